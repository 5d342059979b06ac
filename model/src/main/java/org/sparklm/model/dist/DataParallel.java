package org.sparklm.model.dist;

import ai.djl.ndarray.NDArray;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.zip.CRC32C;
import org.sparklm.model.data.ShardCursor;
import org.sparklm.model.gpt.Gpt;
import org.sparklm.model.train.Trainer;

/**
 * The data-parallel part of a training step: after a rank's backward passes (and gradient
 * accumulation), its gradients are copied to one flat direct buffer, summed there across ranks
 * by the ring (which sends and receives straight from it) together with the rank's loss, divided
 * by the number of ranks, and written back; the global
 * norm is computed from the averaged gradients. Every rank thus holds bit-identical gradients,
 * takes the same clip/skip decision and applies the same AdamW update.
 *
 * <p>{@link #checkReplicas} proves it: it compares a CRC of every rank's parameters (and the
 * data cursors) through the ring and fails naming the ranks that differ.
 */
public final class DataParallel implements Trainer.StepSync {
  private final RingAllReduce ring;
  /** The step's gradients and loss, little-endian floats: filled from the parameters, all-reduced in place. */
  private ByteBuffer flat;
  private FloatBuffer floats;
  private final float[] chunk = new float[1 << 16];
  private long enterNanos;
  private long exitNanos;
  private long networkNanos;

  /** {@code ring} may be null for a single rank: the step is then timed but nothing moves. */
  public DataParallel(RingAllReduce ring) {
    this.ring = ring;
  }

  public int world() {
    return ring == null ? 1 : ring.world();
  }

  @Override
  public Trainer.Gradients synchronize(Trainer trainer, Trainer.Gradients local) throws IOException {
    enterNanos = System.nanoTime();
    if (world() == 1) {
      networkNanos = 0;
      exitNanos = System.nanoTime();
      return local;
    }
    int n = Math.toIntExact(trainer.gradientSize());
    if (flat == null || flat.capacity() != 4L * (n + 1)) {
      flat = null;
      flat = ByteBuffer.allocateDirect(Math.multiplyExact(n + 1, 4)).order(ByteOrder.LITTLE_ENDIAN);
      floats = flat.asFloatBuffer();
    }
    trainer.readGradients(floats.clear().limit(n));
    floats.clear().put(n, (float) local.loss());
    long t0 = System.nanoTime();
    ring.allReduceSum(flat.clear());
    networkNanos = System.nanoTime() - t0;
    float inv = 1f / world();
    double sumSq = 0;
    // in chunks through a float[]: a bulk copy and an array loop (element access to a direct buffer is slow)
    for (int at = 0; at < n; at += chunk.length) {
      int k = Math.min(chunk.length, n - at);
      floats.get(at, chunk, 0, k);
      for (int i = 0; i < k; i++) {
        float g = chunk[i] * inv;
        chunk[i] = g;
        sumSq += (double) g * g;
      }
      floats.put(at, chunk, 0, k);
    }
    trainer.writeGradients(floats.clear().limit(n));
    float loss = floats.clear().get(n) * inv;
    Trainer.Gradients global = new Trainer.Gradients(loss, Math.sqrt(sumSq) / trainer.lossScale(), local.tokens() * world());
    exitNanos = System.nanoTime();
    return global;
  }

  /** When the last {@link #synchronize} began (System.nanoTime): the end of the step's compute. */
  public long enterNanos() {
    return enterNanos;
  }

  /** When the last {@link #synchronize} returned: the start of the optimizer update. */
  public long exitNanos() {
    return exitNanos;
  }

  /** Time of the last step's ring all-reduce alone (without the device/host copies). */
  public long networkNanos() {
    return networkNanos;
  }

  /** CRC-32C of every parameter's bytes in layout order. */
  public static long checksum(Gpt model) {
    CRC32C crc = new CRC32C();
    for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
      ByteBuffer b = e.getValue().toByteBuffer(true);
      crc.update(b);
    }
    return crc.getValue();
  }

  /**
   * Fails unless every rank's parameters have the same checksum (and, given a cursor, every rank
   * stands at the same data position). Every rank must call it at the same step.
   */
  public void checkReplicas(Gpt model, long step, ShardCursor cursor) throws IOException {
    if (world() == 1) {
      return;
    }
    long sum = checksum(model);
    ByteBuffer mine = ByteBuffer.allocate(32).putLong(sum);
    if (cursor != null) {
      mine.putLong(cursor.epoch()).putLong(cursor.shard()).putLong(cursor.row());
    }
    byte[][] all = ring.allGather(mine.array());
    StringBuilder msg = new StringBuilder();
    boolean drift = false;
    boolean cursors = false;
    for (int r = 0; r < all.length; r++) {
      ByteBuffer b = ByteBuffer.wrap(all[r]);
      long theirs = b.getLong();
      ShardCursor c = cursor == null ? null : new ShardCursor(b.getLong(), (int) b.getLong(), b.getLong());
      drift |= theirs != sum;
      cursors |= cursor != null && !c.equals(cursor);
      msg.append(String.format(" rank %d: %08x%s", r, theirs, c == null ? "" : " at " + c));
    }
    if (drift) {
      throw new ReplicaDriftException("replicas drifted: parameter checksums differ after step " + step + ":" + msg
          + ". The ranks no longer hold the same model; this is a bug (or non-deterministic kernels): resume from "
          + "the last checkpoint");
    }
    if (cursors) {
      throw new ReplicaDriftException("the ranks' data cursors differ after step " + step + ":" + msg
          + ". A checkpoint stores one cursor, so every rank's token reader must advance in step (equal rows per rank)");
    }
  }

  /** The ranks no longer agree. */
  public static final class ReplicaDriftException extends IllegalStateException {
    public ReplicaDriftException(String message) {
      super(message);
    }
  }
}
