package org.sparklm.model.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The ring over real loopback sockets, one thread per rank. */
class RingAllReduceTest {
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  interface RankBody<T> {
    T run(RingAllReduce ring) throws Exception;
  }

  /** Starts {@code world} ranks on loopback, each running {@code body} on its connected ring. */
  <T> List<T> ranks(int world, int chunkBytes, RankBody<T> body) throws Exception {
    List<ServerSocketChannel> servers = new ArrayList<>();
    List<InetSocketAddress> peers = new ArrayList<>();
    for (int r = 0; r < world; r++) {
      ServerSocketChannel s = RingAllReduce.listen("127.0.0.1");
      servers.add(s);
      peers.add((InetSocketAddress) s.getLocalAddress());
    }
    List<Future<T>> futures = new ArrayList<>();
    for (int r = 0; r < world; r++) {
      int rank = r;
      futures.add(pool.submit(() -> {
        try (RingAllReduce ring = RingAllReduce.builder().setRank(rank).setPeers(peers).setServer(servers.get(rank))
            .optChunkBytes(chunkBytes).optConnectTimeout(Duration.ofSeconds(20)).optIoTimeout(Duration.ofSeconds(20))
            .optSession(42).connect()) {
          return body.run(ring);
        }
      }));
    }
    List<T> out = new ArrayList<>();
    for (Future<T> f : futures) {
      out.add(f.get(60, TimeUnit.SECONDS));
    }
    return out;
  }

  static float[] random(int n, long seed) {
    Random rng = new Random(seed);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) rng.nextGaussian();
    }
    return a;
  }

  @ParameterizedTest(name = "{0} ranks, {1} floats, {2}-byte chunks")
  @CsvSource({"2, 100003, 4096", "3, 100003, 1024", "4, 1000, 64", "4, 3, 64", "3, 0, 64", "1, 17, 64"})
  void everyRankGetsTheSameSum(int world, int n, int chunk) throws Exception {
    List<float[]> results = ranks(world, chunk, ring -> {
      float[] a = random(n, ring.rank());
      ring.allReduceSum(a);
      return a;
    });
    double[] expected = new double[n];
    for (int r = 0; r < world; r++) {
      float[] in = random(n, r);
      for (int i = 0; i < n; i++) {
        expected[i] += in[i];
      }
    }
    for (int i = 0; i < n; i++) {
      assertEquals(expected[i], results.get(0)[i], 1e-5, "element " + i);
    }
    for (int r = 1; r < world; r++) {
      assertArrayEquals(results.get(0), results.get(r), "rank " + r + " differs from rank 0 (not bit-identical)");
    }
  }

  @Test
  void sumsAreExactAcrossManyElementsAndTheBytesAreTheRingsShare() throws Exception {
    int world = 4;
    int n = 1 << 18;
    List<long[]> sent = ranks(world, 1 << 16, ring -> {
      float[] a = new float[n];
      for (int i = 0; i < n; i++) {
        a[i] = (ring.rank() + 1) * (i % 1000); // integers: every order of addition is exact
      }
      ring.allReduceSum(a);
      for (int i = 0; i < n; i++) {
        if (a[i] != 10f * (i % 1000)) {
          throw new AssertionError("rank " + ring.rank() + " element " + i + ": " + a[i]);
        }
      }
      ring.allReduceMean(a); // the mean of equal arrays is the array
      assertEquals(9990f, a[999]);
      return new long[] {ring.bytesSent()};
    });
    // bandwidth-optimal: each rank sends 2(n-1)/n of the array per all-reduce (two all-reduces here)
    for (long[] s : sent) {
      assertEquals(2 * 2L * (world - 1) * n * 4 / world, s[0], 16);
    }
  }

  /**
   * The direct-buffer entry point: sums the floats between position and limit in place (the
   * bytes around them untouched), gives the same bits as the float[] one, and back-to-back
   * collectives of different kinds and sizes never mix up their bytes (the ranks run out of step).
   */
  @ParameterizedTest(name = "{0} ranks, {1}-byte chunks")
  @CsvSource({"2, 4096", "3, 64", "4, 1024"})
  void aDirectBufferIsSummedInPlaceLikeAnArray(int world, int chunk) throws Exception {
    int n = 50_001;
    List<float[]> results = ranks(world, chunk, ring -> {
      float[] expected = random(n, ring.rank());
      ring.allReduceSum(expected);
      ByteBuffer b = ByteBuffer.allocateDirect(4 * n + 12).order(ByteOrder.LITTLE_ENDIAN);
      b.putFloat(0, -7f).putFloat(4 * n + 8, -9f);
      float[] mine = random(n, ring.rank());
      for (int i = 0; i < n; i++) {
        b.putFloat(4 + 4 * i, mine[i]);
      }
      b.position(4).limit(4 * n + 4);
      for (int round = 0; round < 3; round++) {
        float[] small = random(round + 1, 100 + ring.rank());
        if (round == 0) {
          ring.allReduceSum(b);
        }
        ring.allReduceSum(small);
        byte[][] all = ring.allGather(new byte[] {(byte) ring.rank(), (byte) round});
        for (int r = 0; r < world; r++) {
          assertArrayEquals(new byte[] {(byte) r, (byte) round}, all[r]);
        }
      }
      assertEquals(4, b.position());
      assertEquals(4 * n + 4, b.limit());
      ByteBuffer whole = b.duplicate().order(ByteOrder.LITTLE_ENDIAN).clear();
      assertEquals(-7f, whole.getFloat(0));
      assertEquals(-9f, whole.getFloat(4 * n + 8));
      float[] got = new float[n];
      b.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(got);
      assertArrayEquals(expected, got, "rank " + ring.rank() + ": the buffer's sum differs from the array's");
      return got;
    });
    for (int r = 1; r < world; r++) {
      assertArrayEquals(results.get(0), results.get(r), "rank " + r + " differs from rank 0 (not bit-identical)");
    }
  }

  @Test
  void allGatherReturnsEveryRanksMessage() throws Exception {
    List<byte[][]> got = ranks(3, 64, ring -> ring.allGather(("rank-" + ring.rank() + "-" + "x".repeat(ring.rank() * 50)).getBytes()));
    for (byte[][] all : got) {
      for (int r = 0; r < 3; r++) {
        assertEquals("rank-" + r + "-" + "x".repeat(r * 50), new String(all[r]));
      }
    }
  }

  /**
   * A rank that reaches the all-reduce first waits for its peer without burning a core: the
   * executor's other threads (and, on a shared host, other workers) need it. Each round follows an
   * allGather, which could leave a write interest on the receiving thread's selector and make it
   * spin (without the fix: 1,770 ms of CPU in 2,080 ms of waiting over these 20 rounds; with it: 90).
   */
  @Test
  void aRankWaitingForASlowPeerSleeps() throws Exception {
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    int rounds = 20;
    List<long[]> waits = ranks(2, 4096, ring -> {
      long cpu = 0;
      long wall = 0;
      for (int round = 0; round < rounds; round++) {
        ring.allGather(new byte[] {(byte) ring.rank(), (byte) round});
        float[] a = random(1000, ring.rank());
        if (ring.rank() == 1) {
          Thread.sleep(100);
          ring.allReduceSum(a);
          continue;
        }
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        ring.allReduceSum(a);
        cpu += os.getProcessCpuTime() - cpu0;
        wall += System.nanoTime() - t0;
      }
      return new long[] {cpu, wall};
    });
    long cpu = waits.get(0)[0];
    long wall = waits.get(0)[1];
    assertTrue(wall >= rounds * 80_000_000L, "rank 0 should have waited for rank 1's sleeps: " + wall / 1_000_000 + " ms");
    // the whole JVM (rank 1 asleep) used under a third of a core while rank 0 waited
    assertTrue(cpu < wall / 3, "the JVM used " + cpu / 1_000_000 + " ms of CPU while rank 0 waited " + wall / 1_000_000 + " ms");
  }

  @Test
  void aPeerThatNeverConnectsFailsWithinTheConnectTimeoutNamingIt() throws Exception {
    try (ServerSocketChannel mine = RingAllReduce.listen("127.0.0.1");
         ServerSocketChannel silent = RingAllReduce.listen("127.0.0.1")) { // rank 1: listens, never joins
      List<InetSocketAddress> peers = List.of((InetSocketAddress) mine.getLocalAddress(),
          (InetSocketAddress) silent.getLocalAddress());
      long t0 = System.nanoTime();
      RingAllReduce.PeerException e = assertThrows(RingAllReduce.PeerException.class, () ->
          RingAllReduce.builder().setRank(0).setPeers(peers).setServer(mine)
              .optConnectTimeout(Duration.ofMillis(1500)).connect());
      double secs = (System.nanoTime() - t0) / 1e9;
      assertEquals(1, e.peerRank());
      assertTrue(e.getMessage().startsWith("rank 0 of 2: rank 1 (127.0.0.1:" + peers.get(1).getPort()
          + ") never connected within 1500 ms"), e.getMessage());
      assertTrue(secs >= 1.4 && secs < 5, "failed after " + secs + " s");
    }
  }

  @Test
  void aPeerWithNothingListeningFailsNamingItsAddress() throws Exception {
    InetSocketAddress dead;
    try (ServerSocketChannel s = RingAllReduce.listen("127.0.0.1")) {
      dead = (InetSocketAddress) s.getLocalAddress(); // closed again: connections are refused
    }
    try (ServerSocketChannel mine = RingAllReduce.listen("127.0.0.1")) {
      List<InetSocketAddress> peers = List.of((InetSocketAddress) mine.getLocalAddress(), dead);
      RingAllReduce.PeerException e = assertThrows(RingAllReduce.PeerException.class, () ->
          RingAllReduce.builder().setRank(0).setPeers(peers).setServer(mine)
              .optConnectTimeout(Duration.ofMillis(800)).connect());
      assertTrue(e.getMessage().contains("could not connect to rank 1 (127.0.0.1:" + dead.getPort() + ") within 800 ms"),
          e.getMessage());
    }
  }

  /** Rank 1 joins the ring and then hangs (or dies): rank 0's all-reduce fails, naming rank 1. */
  @ParameterizedTest(name = "peer {0}")
  @CsvSource({"hangs", "dies"})
  void aPeerThatHangsOrDiesMidwayFailsTheCollective(String what) throws Exception {
    ServerSocketChannel s0 = RingAllReduce.listen("127.0.0.1");
    ServerSocketChannel s1 = RingAllReduce.listen("127.0.0.1");
    List<InetSocketAddress> peers = List.of((InetSocketAddress) s0.getLocalAddress(), (InetSocketAddress) s1.getLocalAddress());
    Future<Void> peer = pool.submit(() -> {
      RingAllReduce r1 = RingAllReduce.builder().setRank(1).setPeers(peers).setServer(s1).connect();
      if (what.equals("dies")) {
        Thread.sleep(300);
        r1.close();
      } else {
        Thread.sleep(2500);
        r1.close();
      }
      return null;
    });
    try (RingAllReduce r0 = RingAllReduce.builder().setRank(0).setPeers(peers).setServer(s0)
        .optIoTimeout(Duration.ofMillis(1000)).connect()) {
      long t0 = System.nanoTime();
      IOException e = assertThrows(IOException.class, () -> r0.allReduceSum(new float[1 << 20]));
      double secs = (System.nanoTime() - t0) / 1e9;
      String expected = what.equals("dies")
          ? "rank 0 of 2: rank 1 (127.0.0.1:" + peers.get(1).getPort() + ") closed its connection during reduce-scatter step 1/1"
          : "rank 0 of 2: no data from rank 1 (127.0.0.1:" + peers.get(1).getPort() + ") for 1 s (io_timeout_s)";
      assertTrue(e.getMessage().startsWith(expected) || e.getMessage().contains("lost the connection to rank 1"), e.getMessage());
      assertTrue(secs < 3.5, "failed after " + secs + " s");
    }
    peer.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aConnectionFromAnotherAttemptIsIgnored() throws Exception {
    ServerSocketChannel s0 = RingAllReduce.listen("127.0.0.1");
    ServerSocketChannel s1 = RingAllReduce.listen("127.0.0.1");
    List<InetSocketAddress> peers = List.of((InetSocketAddress) s0.getLocalAddress(), (InetSocketAddress) s1.getLocalAddress());
    // a stale rank 1 from session 7 knocks first
    try (SocketChannel stale = SocketChannel.open(peers.get(0))) {
      stale.write(java.nio.ByteBuffer.allocate(20).putInt(RingAllReduce.MAGIC).putInt(1).putInt(2).putLong(7).flip());
      Future<float[]> one = pool.submit(() -> {
        try (RingAllReduce r1 = RingAllReduce.builder().setRank(1).setPeers(peers).setServer(s1).optSession(8).connect()) {
          float[] a = {1, 2, 3};
          r1.allReduceSum(a);
          return a;
        }
      });
      try (RingAllReduce r0 = RingAllReduce.builder().setRank(0).setPeers(peers).setServer(s0).optSession(8).connect()) {
        float[] a = {10, 20, 30};
        r0.allReduceSum(a);
        assertArrayEquals(new float[] {11, 22, 33}, a);
      }
      assertArrayEquals(new float[] {11, 22, 33}, one.get(10, TimeUnit.SECONDS));
    }
  }
}
