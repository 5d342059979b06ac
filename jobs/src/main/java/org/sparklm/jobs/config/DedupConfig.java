package org.sparklm.jobs.config;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import org.sparklm.model.config.Check;
import org.sparklm.model.config.InvalidValueException;
import org.sparklm.udfs.dedup.MinHash;

/**
 * The {@code dedup} job: documents in, kept documents (with their cluster) and an audit table of
 * every removed duplicate out. The MinHash defaults are FineWeb's (5-word shingles, 14 bands of 8
 * rows: a pair with a Jaccard similarity of 0.9 becomes a candidate with probability 0.9996, at
 * 0.8 with 0.92, at 0.5 with 0.05).
 */
public record DedupConfig(
    @JsonPropertyDescription("Document tables: a folder holding documents/ (e.g. an ingest output) or the table folder itself; repeatable; --input")
    List<String> input,
    @JsonPropertyDescription("Output folder: documents/, duplicates/ and rejects/ are written under it; --output")
    String output,
    @JsonPropertyDescription("Find near duplicates with MinHash as well as exact copies of the normalized text")
    boolean near,
    @JsonPropertyDescription("Words per shingle (word n-grams); a text with fewer words is one shingle")
    int shingleSize,
    @JsonPropertyDescription("LSH bands: two documents become candidates when all rows of any one band agree")
    int bands,
    @JsonPropertyDescription("MinHash values per band; bands * rows hash functions in all")
    int rows,
    @JsonPropertyDescription("Seed of every hash function: the same seed gives the same signatures on any machine")
    long seed,
    @JsonPropertyDescription("Check each candidate pair's exact Jaccard similarity of shingle sets and drop pairs below jaccard_threshold")
    boolean verifyJaccard,
    @JsonPropertyDescription("Least exact Jaccard similarity of a verified candidate pair (only with verify_jaccard)")
    double jaccardThreshold,
    @JsonPropertyDescription("Most rounds of the distributed connected-components algorithm before the job gives up")
    int maxIterations) {

  // FineWeb's MinHash setting and text-dedup's 0.7 threshold; verification off as in FineWeb
  // (it costs a join of shingle sets). Large-star/small-star needs O(log^2 n) rounds: 64 is far
  // above what a billion-node graph takes.
  public static final DedupConfig DEFAULTS = new DedupConfig(List.of(), "work/dedup", true, 5, 14, 8, 1L, false, 0.7, 64);

  public DedupConfig {
    input = Check.list(input);
    Check.notBlank("output", output);
    Check.between("shingle_size", shingleSize, 1, 64);
    Check.between("bands", bands, 1, 512);
    Check.between("rows", rows, 1, 512);
    if ((long) bands * rows > 4096) {
      throw new InvalidValueException("bands", "bands * rows must be <= 4096, got " + bands + " * " + rows);
    }
    Check.between("jaccard_threshold", jaccardThreshold, 0.0, 1.0);
    Check.between("max_iterations", maxIterations, 1, 10_000);
  }

  /** The MinHash these settings describe. */
  public MinHash minHash() {
    return MinHash.builder().optShingleSize(shingleSize).optBands(bands).optRows(rows).optSeed(seed).build();
  }

  public DedupConfig withInput(List<String> v) {
    return new DedupConfig(v, output, near, shingleSize, bands, rows, seed, verifyJaccard, jaccardThreshold, maxIterations);
  }

  public DedupConfig withOutput(String v) {
    return new DedupConfig(input, v, near, shingleSize, bands, rows, seed, verifyJaccard, jaccardThreshold, maxIterations);
  }

  public DedupConfig withVerifyJaccard(boolean v) {
    return new DedupConfig(input, output, near, shingleSize, bands, rows, seed, v, jaccardThreshold, maxIterations);
  }
}
