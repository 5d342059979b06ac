package org.sparklm.udfs.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.netpreserve.jwarc.MediaType;
import org.netpreserve.jwarc.WarcReader;
import org.netpreserve.jwarc.WarcRecord;
import org.netpreserve.jwarc.WarcResponse;

/** The HTML pages of the dev-crawl sample, read with jwarc directly (independent of WarcIngest). */
public final class DevCrawl {
  private DevCrawl() {}

  public record Page(String url, String html) {}

  public static List<Page> pages() {
    List<Page> out = new ArrayList<>();
    try (InputStream in = Files.newInputStream(Corpus.devCrawlSample()); WarcReader r = new WarcReader(in)) {
      for (WarcRecord rec : r) {
        if (rec instanceof WarcResponse resp && resp.http().status() == 200
            && resp.http().contentType().base().equals(MediaType.HTML)) {
          out.add(new Page(resp.target(), new String(resp.http().body().stream().readAllBytes(), StandardCharsets.UTF_8)));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
