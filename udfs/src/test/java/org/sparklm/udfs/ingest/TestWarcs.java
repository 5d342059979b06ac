package org.sparklm.udfs.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;
import org.netpreserve.jwarc.MediaType;
import org.netpreserve.jwarc.WarcCompression;
import org.netpreserve.jwarc.WarcResponse;
import org.netpreserve.jwarc.WarcWriter;

/** Real WARC files for tests, written with jwarc; and the repository's bundled crawl sample. */
public final class TestWarcs {
  private TestWarcs() {}

  /** The checkout's root: {@code -Dsparklm.repo.root} (set by the build), else found from the working dir. */
  public static Path repoRoot() {
    String p = System.getProperty("sparklm.repo.root");
    if (p != null) {
      return Path.of(p);
    }
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isDirectory(d.resolve("data/demo"))) {
        return d;
      }
    }
    throw new IllegalStateException("cannot find the sparklm checkout from " + Path.of("").toAbsolutePath());
  }

  /** The 1 MB crawl sample bundled for the demo (83 response records, all HTML). */
  public static Path devSample() {
    return repoRoot().resolve("data/demo/dev-crawl-sample.warc.gz");
  }

  /** An HTTP response message: status line, headers, body. */
  public static byte[] http(int status, String contentType, byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String head = "HTTP/1.1 " + status + " X\r\n" + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n")
        + "Content-Length: " + body.length + "\r\n\r\n";
    out.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
    out.writeBytes(body);
    return out.toByteArray();
  }

  /** A WARC file of response records, one per {@code (url, httpMessage)} pair; gzip per record if asked. */
  public static Path write(Path file, boolean gzip, Object... urlAndHttp) throws IOException {
    try (WarcWriter w = new WarcWriter(Files.newByteChannel(file, java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING),
        gzip ? WarcCompression.GZIP : WarcCompression.NONE)) {
      for (int i = 0; i < urlAndHttp.length; i += 2) {
        String url = (String) urlAndHttp[i];
        byte[] msg = (byte[]) urlAndHttp[i + 1];
        w.write(new WarcResponse.Builder(url)
            .recordId(UUID.nameUUIDFromBytes((url + i).getBytes(StandardCharsets.UTF_8)))
            .date(Instant.parse("2026-01-02T03:04:05Z"))
            .body(MediaType.HTTP_RESPONSE, msg).build());
      }
    }
    return file;
  }

  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
