package org.sparklm.model.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads and writes the safetensors format (Hugging Face): an 8-byte little-endian header length,
 * a JSON header mapping each tensor name to {@code dtype}, {@code shape} and {@code data_offsets},
 * then the raw little-endian data.
 *
 * <p>Written here because the format is 40 lines of code and no Java library on Maven Central
 * writes it (DJL 0.36 only reads it, into NDArrays on a device, with no streaming to a Hadoop
 * FileSystem). Only F32 is used: checkpoints and exports keep fp32 master weights.
 */
public final class SafeTensors {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SafeTensors() {}

  /** A tensor: its shape and fp32 values, row-major. */
  public record Tensor(long[] shape, float[] values) {}

  /** Writes {@code tensors} in map order, with string {@code metadata} (may be empty). */
  public static void write(OutputStream out, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
    ObjectNode header = JSON.createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode meta = header.putObject("__metadata__");
      metadata.forEach(meta::put);
    }
    long offset = 0;
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      ObjectNode t = header.putObject(e.getKey());
      t.put("dtype", "F32");
      var shape = t.putArray("shape");
      long n = 1;
      for (long d : e.getValue().shape()) {
        shape.add(d);
        n *= d;
      }
      if (n != e.getValue().values().length) {
        throw new IllegalArgumentException("tensor '" + e.getKey() + "': shape holds " + n + " values, got " + e.getValue().values().length);
      }
      t.putArray("data_offsets").add(offset).add(offset + 4 * n);
      offset += 4 * n;
    }
    byte[] json = JSON.writeValueAsBytes(header);
    int padded = (json.length + 7) / 8 * 8; // the spec allows trailing spaces; 8-byte alignment helps mmap readers
    ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
    out.write(len.array());
    out.write(json);
    for (int i = json.length; i < padded; i++) {
      out.write(' ');
    }
    ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    for (Tensor t : tensors.values()) {
      for (float f : t.values()) {
        if (!buf.hasRemaining()) {
          out.write(buf.array(), 0, buf.position());
          buf.clear();
        }
        buf.putFloat(f);
      }
    }
    out.write(buf.array(), 0, buf.position());
  }

  /** Reads every tensor (F32 only) in file order. {@code what} names the file in errors. */
  public static Map<String, Tensor> read(InputStream in, String what) throws IOException {
    DataInputStream data = new DataInputStream(in);
    byte[] lenBytes = new byte[8];
    data.readFully(lenBytes);
    long headerLen = ByteBuffer.wrap(lenBytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
    if (headerLen <= 0 || headerLen > 100_000_000) {
      throw new IOException(what + ": not a safetensors file (header length " + headerLen + ")");
    }
    byte[] headerBytes = new byte[(int) headerLen];
    data.readFully(headerBytes);
    JsonNode header = JSON.readTree(new String(headerBytes, StandardCharsets.UTF_8));
    Map<String, long[]> offsets = new LinkedHashMap<>();
    Map<String, long[]> shapes = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = header.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equals("__metadata__")) {
        continue;
      }
      if (!"F32".equals(e.getValue().path("dtype").asText())) {
        throw new IOException(what + ": tensor '" + e.getKey() + "' is " + e.getValue().path("dtype").asText() + ", only F32 is read");
      }
      JsonNode s = e.getValue().get("shape");
      long[] shape = new long[s.size()];
      for (int i = 0; i < shape.length; i++) {
        shape[i] = s.get(i).asLong();
      }
      shapes.put(e.getKey(), shape);
      offsets.put(e.getKey(), new long[] {e.getValue().get("data_offsets").get(0).asLong(), e.getValue().get("data_offsets").get(1).asLong()});
    }
    // data in offset order (our writer and HF's both write in header order; sort to be safe)
    java.util.List<String> byOffset = new java.util.ArrayList<>(offsets.keySet());
    byOffset.sort(java.util.Comparator.comparingLong(k -> offsets.get(k)[0]));
    Map<String, Tensor> read = new LinkedHashMap<>();
    long pos = 0;
    byte[] chunk = new byte[1 << 16];
    for (String name : byOffset) {
      long[] off = offsets.get(name);
      data.skipNBytes(off[0] - pos);
      int n = Math.toIntExact((off[1] - off[0]) / 4);
      float[] values = new float[n];
      int done = 0;
      while (done < n) {
        int take = Math.min(chunk.length / 4, n - done);
        data.readFully(chunk, 0, take * 4);
        ByteBuffer.wrap(chunk, 0, take * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values, done, take);
        done += take;
      }
      pos = off[1];
      read.put(name, new Tensor(shapes.get(name), values));
    }
    Map<String, Tensor> inHeaderOrder = new LinkedHashMap<>();
    offsets.keySet().forEach(k -> inHeaderOrder.put(k, read.get(k)));
    return inHeaderOrder;
  }
}
