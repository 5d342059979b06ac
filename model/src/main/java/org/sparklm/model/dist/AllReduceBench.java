package org.sparklm.model.dist;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * All-reduce bus bandwidth between N local worker processes (separate JVMs, as Spark executors
 * are), next to the peer measured in the same run between the same processes: a plain TCP stream
 * over loopback from each rank to the next (blocking NIO channels with direct buffers, one writer
 * and one reader thread per process, the same ring of links the all-reduce uses with the ring's
 * socket options, all ranks at once). The all-reduce sums a direct buffer allocated the way
 * {@link DataParallel} holds a step's gradients.
 *
 * <pre>
 * java -Xmx256m -cp model/target/classes org.sparklm.model.dist.AllReduceBench --ranks 2,4 --mb 10,100,500 --reps 5
 * </pre>
 *
 * <p>The peer is the fastest of several plain streams, each measured in every rep: from 256 KiB
 * and 1 MiB buffers that start on a page boundary, from a 1 MiB buffer where
 * {@code allocateDirect} puts it (16 bytes past a page here: the kernel copies to and from it
 * more slowly), and a {@code cold} stream that walks buffers as large as the data (what moving
 * the bytes costs when they come from and go to memory, as an all-reduce's must). Every rep
 * times each stream and then the all-reduce, so a slow spell of the machine hits both; each time
 * is the slowest rank's. The report gives the median and the best of {@code --reps} reps after
 * one warm-up, for the all-reduce and for the fastest stream (by median, and by best).
 *
 * <p>Bus bandwidth is NCCL's definition: {@code size x 2(n-1)/n / time}, the bytes each rank
 * sends per second; it is comparable with the bandwidth of one link, here the stream's
 * {@code size / time}.
 */
public final class AllReduceBench {
  private AllReduceBench() {}

  public static void main(String[] args) throws Exception {
    List<Integer> ranks = List.of(2, 4);
    List<Integer> mbs = List.of(10, 100, 500);
    int reps = 5;
    int chunkKib = 1024;
    List<String> streams = List.of("256", "1024", "1024m", "cold");
    boolean heap = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--ranks" -> ranks = ints(args[++i]);
        case "--mb" -> mbs = ints(args[++i]);
        case "--reps" -> reps = Integer.parseInt(args[++i]);
        case "--chunk-kib" -> chunkKib = Integer.parseInt(args[++i]);
        case "--stream-kib" -> streams = List.of(args[++i].split(","));
        case "--data" -> heap = switch (args[++i]) {
          case "heap" -> true;
          case "direct" -> false;
          default -> throw new IllegalArgumentException("--data is heap or direct, got " + args[i]);
        };
        case "--child" -> {
          child(Integer.parseInt(args[i + 1]), args[i + 2], args[i + 3], ints(args[i + 4]), Integer.parseInt(args[i + 5]),
              Integer.parseInt(args[i + 6]), List.of(args[i + 7].split(",")), Boolean.parseBoolean(args[i + 8]));
          return;
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + "; use --ranks 2,4 --mb 10,100,500 --reps 5 --chunk-kib 1024 --stream-kib 256,1024,1024m,cold --data direct");
      }
    }
    System.out.printf(Locale.ROOT, "all-reduce bench: %d cores, chunk %d KiB, %s data, streams from %s KiB buffers,"
        + " %d reps after 1 warm-up, interleaved; times are the slowest rank's; median and best of the reps%n",
        Runtime.getRuntime().availableProcessors(), chunkKib, heap ? "heap" : "direct", streams, reps);
    System.out.println("ranks  size_mb  allreduce_ms(med best)  busbw_gb_s(med best)  fastest_stream_ms(med best)"
        + "  stream_gb_s(med best)  busbw/stream(med best)");
    for (int n : ranks) {
      parent(n, mbs, reps, chunkKib, streams, heap);
    }
  }

  private static List<Integer> ints(String csv) {
    return Arrays.stream(csv.split(",")).map(String::strip).map(Integer::parseInt).toList();
  }

  private static void parent(int n, List<Integer> mbs, int reps, int chunkKib, List<String> streams, boolean heap)
      throws Exception {
    List<Integer> ports = freePorts(2 * n);
    List<Integer> ringPorts = ports.subList(0, n);
    List<Integer> tcpPorts = ports.subList(n, 2 * n);
    String java = ProcessHandle.current().info().command().orElse("java");
    long maxMb = mbs.stream().mapToLong(Integer::longValue).max().orElse(10);
    String xmx = "-Xmx" + Math.max(512, 2 * maxMb + 256) + "m";
    List<Process> children = new ArrayList<>();
    for (int r = 0; r < n; r++) {
      ProcessBuilder pb = new ProcessBuilder(java, xmx, "-XX:MaxDirectMemorySize=" + (3 * maxMb + 256) + "m", "-cp", System.getProperty("java.class.path"),
          AllReduceBench.class.getName(), "--child", String.valueOf(r), join(ringPorts), join(tcpPorts),
          mbs.stream().map(String::valueOf).reduce((a, b) -> a + "," + b).orElseThrow(), String.valueOf(reps),
          String.valueOf(chunkKib), String.join(",", streams), String.valueOf(heap));
      pb.redirectErrorStream(true);
      children.add(pb.start());
    }
    ExecutorService pump = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r);
      t.setDaemon(true);
      return t;
    });
    List<Future<?>> pumps = new ArrayList<>();
    for (int r = 0; r < n; r++) {
      Process p = children.get(r);
      boolean lead = r == 0;
      int rank = r;
      pumps.add(pump.submit(() -> {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = in.readLine()) != null) {
            if (lead || !line.startsWith("RESULT")) {
              System.out.println(line.startsWith("RESULT ") ? line.substring(7) : "rank " + rank + ": " + line);
            }
          }
        }
        return null;
      }));
    }
    while (children.stream().anyMatch(Process::isAlive)) {
      for (Process p : children) {
        if (!p.isAlive() && p.exitValue() != 0) {
          children.forEach(Process::destroyForcibly); // the others would wait for it forever
          throw new IllegalStateException("a worker process failed (exit " + p.exitValue() + ")");
        }
      }
      Thread.sleep(100);
    }
    for (Process p : children) {
      if (p.exitValue() != 0) {
        throw new IllegalStateException("a worker process failed (exit " + p.exitValue() + ")");
      }
    }
    for (Future<?> f : pumps) {
      f.get();
    }
    pump.shutdown();
  }

  private static String join(List<Integer> ports) {
    return ports.stream().map(String::valueOf).reduce((a, b) -> a + "," + b).orElseThrow();
  }

  /** {@code k} distinct free ports (all held open while choosing, so none is handed out twice). */
  private static List<Integer> freePorts(int k) throws IOException {
    List<ServerSocket> held = new ArrayList<>();
    try {
      for (int i = 0; i < k; i++) {
        held.add(new ServerSocket(0));
      }
      return held.stream().map(ServerSocket::getLocalPort).toList();
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
  }

  private static void child(int rank, String ringCsv, String tcpCsv, List<Integer> mbs, int reps, int chunkKib,
      List<String> streamKibs, boolean heap) throws Exception {
    List<Integer> ringPorts = ints(ringCsv);
    List<Integer> tcpPorts = ints(tcpCsv);
    int n = ringPorts.size();
    List<InetSocketAddress> peers = new ArrayList<>();
    for (int p : ringPorts) {
      peers.add(new InetSocketAddress("127.0.0.1", p));
    }
    ServerSocketChannel server = ServerSocketChannel.open().bind(peers.get(rank));
    try (RingAllReduce ring = RingAllReduce.builder().setRank(rank).setPeers(peers).setServer(server)
        .optChunkBytes(chunkKib * 1024).optConnectTimeout(Duration.ofSeconds(60)).connect();
         ServerSocketChannel tcpServer = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", tcpPorts.get(rank)))) {
      SocketChannel toNext = null;
      for (int attempt = 0; toNext == null; attempt++) {
        try {
          toNext = SocketChannel.open(new InetSocketAddress("127.0.0.1", tcpPorts.get((rank + 1) % n)));
        } catch (IOException e) {
          if (attempt > 200) {
            throw e;
          }
          Thread.sleep(50);
        }
      }
      try (SocketChannel out = toNext; SocketChannel in = tcpServer.accept()) {
        for (SocketChannel c : List.of(out, in)) {
          RingAllReduce.tune(c); // the ring's own socket options
        }
        // the stream's buffers, one pair per buffer size measured, allocated once
        List<ByteBuffer[]> streamBufs = new ArrayList<>();
        int maxBytes = mbs.stream().mapToInt(mb -> mb * 1_000_000 / 4 * 4).max().orElse(0);
        for (String spec : streamKibs) {
          // cold: from and into buffers as large as the data, 1 MiB per call: the memory traffic
          // an all-reduce cannot avoid (it reads and writes the caller's buffer), not a peer
          streamBufs.add(spec.equals("cold") ? new ByteBuffer[] {allocateAligned(maxBytes),
              allocateAligned(maxBytes)} : new ByteBuffer[] {streamBuffer(spec), streamBuffer(spec)});
        }
        // by default where DataParallel keeps a step's gradients: one direct buffer (no copy in
        // the ring), allocated once for all sizes; --data heap: a float[] per size (the ring
        // stages it through a direct buffer of its own)
        int maxFloats = mbs.stream().mapToInt(mb -> mb * 1_000_000 / 4).max().orElse(0);
        ByteBuffer whole = heap ? null : ByteBuffer.allocateDirect(maxFloats * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int mb : mbs) {
          int floats = mb * 1_000_000 / 4;
          float[] array = null;
          ByteBuffer data = null;
          if (heap) {
            array = new float[floats];
            Arrays.fill(array, 1f);
          } else {
            data = whole.duplicate().order(ByteOrder.LITTLE_ENDIAN).clear().limit(floats * 4);
            for (int i = 0; i < floats; i++) {
              data.putFloat(4 * i, 1f);
            }
          }
          double[] ringMs = new double[reps];
          double[][] tcpMs = new double[streamKibs.size()][reps];
          // interleaved: every rep times each stream and then the all-reduce, so a slow spell of
          // the machine hits both; rep 0 is the warm-up
          for (int rep = 0; rep <= reps; rep++) {
            for (int k = 0; k < streamKibs.size(); k++) {
              ring.allGather(new byte[1]); // align the ranks' start
              long t1 = System.nanoTime();
              ByteBuffer[] bufs = streamBufs.get(k);
              int window = streamKibs.get(k).equals("cold") ? 1 << 20 : bufs[0].capacity();
              stream(out, in, bufs[0].duplicate(), bufs[1].duplicate(), window, (long) floats * 4);
              if (rep > 0) {
                tcpMs[k][rep - 1] = (System.nanoTime() - t1) / 1e6;
              }
            }
            ring.allGather(new byte[1]);
            long t0 = System.nanoTime();
            if (heap) {
              ring.allReduceSum(array);
            } else {
              ring.allReduceSum(data);
            }
            if (rep > 0) {
              ringMs[rep - 1] = (System.nanoTime() - t0) / 1e6;
            }
          }
          // a rank's time is only known once all have finished: take the slowest rank's
          byte[][] all = ring.allGather(encode(ringMs, tcpMs));
          if (rank == 0) {
            double[] ringAll = ringMs.clone();
            double[][] tcpAll = new double[tcpMs.length][];
            for (int k = 0; k < tcpMs.length; k++) {
              tcpAll[k] = tcpMs[k].clone();
            }
            for (byte[] b : all) {
              ByteBuffer bb = ByteBuffer.wrap(b);
              for (int i = 0; i < reps; i++) {
                ringAll[i] = Math.max(ringAll[i], bb.getDouble());
              }
              for (double[] t : tcpAll) {
                for (int i = 0; i < reps; i++) {
                  t[i] = Math.max(t[i], bb.getDouble());
                }
              }
            }
            report(n, mb, floats * 4.0, ringAll, tcpAll, streamKibs);
          }
        }
      }
    }
  }

  /**
   * A stream buffer: {@code "1024"} is 1024 KiB starting on a page boundary, {@code "1024m"} 1024
   * KiB wherever {@code allocateDirect} puts it (malloc's alignment: 16 bytes past a page on this
   * machine). The kernel's copies to and from user memory run at different speeds for the two.
   */
  private static ByteBuffer streamBuffer(String spec) {
    boolean asMalloced = spec.endsWith("m");
    int bytes = Integer.parseInt(asMalloced ? spec.substring(0, spec.length() - 1) : spec) * 1024;
    return asMalloced ? ByteBuffer.allocateDirect(bytes) : allocateAligned(bytes);
  }

  /** A direct buffer of {@code bytes} bytes that starts on a page boundary. */
  static ByteBuffer allocateAligned(int bytes) {
    int page = 4096;
    // alignedSlice also rounds the end down to a page: allocate whole pages plus one
    int pages = Math.addExact(bytes, page - 1) / page + 1;
    return ByteBuffer.allocateDirect(Math.multiplyExact(pages, page)).alignedSlice(page).limit(bytes).slice();
  }

  private static byte[] encode(double[] ringMs, double[][] tcpMs) {
    ByteBuffer b = ByteBuffer.allocate(8 * ringMs.length * (1 + tcpMs.length));
    for (double v : ringMs) {
      b.putDouble(v);
    }
    for (double[] t : tcpMs) {
      for (double v : t) {
        b.putDouble(v);
      }
    }
    return b.array();
  }

  /**
   * One line per size: the all-reduce's median and best, and the stream's for the buffer size
   * whose stream was fastest (by median, and separately by best): the peer is the fastest plain
   * stream measured, never a slow one. Each stream's own figures follow on a detail line.
   */
  private static void report(int n, int mb, double size, double[] ringMs, double[][] tcpMs, List<String> kibs) {
    double ringMed = median(ringMs);
    double ringBest = Arrays.stream(ringMs).min().orElseThrow();
    int kMed = 0;
    int kBest = 0;
    StringBuilder detail = new StringBuilder();
    for (int k = 0; k < tcpMs.length; k++) {
      if (median(tcpMs[k]) < median(tcpMs[kMed])) {
        kMed = k;
      }
      if (min(tcpMs[k]) < min(tcpMs[kBest])) {
        kBest = k;
      }
      detail.append(String.format(Locale.ROOT, " %s %.1f/%.1f", label(kibs.get(k)), median(tcpMs[k]), min(tcpMs[k])));
    }
    double tcpMed = median(tcpMs[kMed]);
    double tcpBest = min(tcpMs[kBest]);
    double bus = size * 2 * (n - 1) / n;
    System.out.printf(Locale.ROOT, "RESULT %5d  %7d  %8.1f %8.1f  %5.2f %5.2f  %8.1f %8.1f  %5.2f %5.2f  %5.0f%% %5.0f%%%n",
        n, mb, ringMed, ringBest, bus / ringMed / 1e6, bus / ringBest / 1e6, tcpMed, tcpBest, size / tcpMed / 1e6,
        size / tcpBest / 1e6, 100 * (bus / ringMed) / (size / tcpMed), 100 * (bus / ringBest) / (size / tcpBest));
    System.out.printf(Locale.ROOT, "RESULT %14s streams (median/best ms):%s; all-reduce reps:%s; fastest stream reps (%s):%s%n",
        "", detail, join(ringMs), label(kibs.get(kMed)), join(tcpMs[kMed]));
  }

  private static String label(String spec) {
    return spec.equals("cold") ? "cold" : spec.endsWith("m") ? spec.substring(0, spec.length() - 1) + " KiB malloc'd"
        : spec + " KiB";
  }

  private static String join(double[] ms) {
    StringBuilder b = new StringBuilder();
    for (double v : ms) {
      b.append(String.format(Locale.ROOT, " %.0f", v));
    }
    return b.toString();
  }

  private static double min(double[] a) {
    return Arrays.stream(a).min().orElseThrow();
  }

  private static double median(double[] a) {
    double[] s = a.clone();
    Arrays.sort(s);
    int m = s.length / 2;
    return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
  }

  /**
   * The peer: writes {@code total} bytes to the next rank while reading as many from the previous
   * one, over blocking channels with direct buffers (the cheapest way the JVM can move bytes
   * through a socket: no per-call heap copy), nothing done with the bytes. Each system call is
   * offered at most {@code window} bytes; a buffer larger than the window is walked through
   * window by window (the {@code cold} stream), a buffer of the window's size is reused from its
   * start each time.
   */
  private static void stream(SocketChannel out, SocketChannel in, ByteBuffer b, ByteBuffer rb, int window, long total)
      throws Exception {
    Thread writer = new Thread(() -> {
      try {
        long left = total;
        int pos = 0;
        while (left > 0) {
          if (pos == b.capacity()) {
            pos = 0;
          }
          int k = (int) Math.min(Math.min(window, b.capacity() - pos), left);
          b.limit(pos + k).position(pos);
          while (b.hasRemaining()) {
            out.write(b);
          }
          pos += k;
          left -= k;
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    writer.start();
    long left = total;
    int pos = 0;
    while (left > 0) {
      if (pos == rb.capacity()) {
        pos = 0;
      }
      rb.limit(pos + (int) Math.min(Math.min(window, rb.capacity() - pos), left)).position(pos);
      int k = in.read(rb);
      if (k < 0) {
        throw new IOException("peer closed the stream");
      }
      pos += k;
      left -= k;
    }
    writer.join();
  }
}
