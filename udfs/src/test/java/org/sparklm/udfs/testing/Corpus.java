package org.sparklm.udfs.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/** The real text the udfs tests run on: the Brown sample and the dev-crawl sample (see NOTICE.md). */
public final class Corpus {
  private Corpus() {}

  /** Brown documents by id (15, one per genre), paragraphs separated by blank lines. */
  public static Map<String, String> brown() {
    Map<String, String> out = new LinkedHashMap<>();
    ObjectMapper json = new ObjectMapper();
    try (InputStream in = new GZIPInputStream(Corpus.class.getResourceAsStream("/corpus/brown-sample.jsonl.gz"));
         BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        JsonNode n = json.readTree(line);
        out.put(n.get("id").asText(), n.get("text").asText());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** The repository root (set by the build as sparklm.repo.root; the working folder's parent otherwise). */
  public static Path repoRoot() {
    String p = System.getProperty("sparklm.repo.root");
    return p != null ? Path.of(p) : Path.of("..").toAbsolutePath().normalize();
  }

  /** {@code data/demo/dev-crawl-sample.warc.gz}: 83 pages of the Python documentation. */
  public static Path devCrawlSample() {
    return repoRoot().resolve("data/demo/dev-crawl-sample.warc.gz");
  }

  public static String resource(String name) {
    try (InputStream in = Corpus.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static List<Path> files(Path dir, String glob) {
    List<Path> out = new ArrayList<>();
    try (var s = Files.newDirectoryStream(dir, glob)) {
      s.forEach(out::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.sort(null);
    return out;
  }
}
