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
 * socket options, all ranks at once). The all-reduce sums a direct buffer, the way
 * {@link DataParallel} holds a step's gradients.
 *
 * <pre>
 * java -Xmx3g -cp model/target/sparklm-model-0.1.0-SNAPSHOT.jar:$(cat cp.txt) \
 *     org.sparklm.model.dist.AllReduceBench --ranks 2,4 --mb 10,100,500 --reps 3
 * </pre>
 *
 * <p>Bus bandwidth is NCCL's definition: {@code size x 2(n-1)/n / time}, the bytes each rank
 * sends per second; it is comparable with the bandwidth of one link, here the TCP stream's
 * {@code size / time}. Each figure is the best of {@code --reps} timed runs after one warm-up.
 */
public final class AllReduceBench {
  private AllReduceBench() {}

  public static void main(String[] args) throws Exception {
    List<Integer> ranks = List.of(2, 4);
    List<Integer> mbs = List.of(10, 100, 500);
    int reps = 3;
    int chunkKib = 1024;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--ranks" -> ranks = ints(args[++i]);
        case "--mb" -> mbs = ints(args[++i]);
        case "--reps" -> reps = Integer.parseInt(args[++i]);
        case "--chunk-kib" -> chunkKib = Integer.parseInt(args[++i]);
        case "--child" -> {
          child(Integer.parseInt(args[i + 1]), args[i + 2], args[i + 3], ints(args[i + 4]), Integer.parseInt(args[i + 5]),
              Integer.parseInt(args[i + 6]));
          return;
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + "; use --ranks 2,4 --mb 10,100,500 --reps 3 --chunk-kib 1024");
      }
    }
    System.out.printf(Locale.ROOT, "all-reduce bench: %d cores, chunk %d KiB, best of %d after 1 warm-up%n",
        Runtime.getRuntime().availableProcessors(), chunkKib, reps);
    System.out.println("ranks  size_mb  allreduce_ms  busbw_gb_s  tcp_stream_ms  tcp_gb_s  busbw/tcp");
    for (int n : ranks) {
      parent(n, mbs, reps, chunkKib);
    }
  }

  private static List<Integer> ints(String csv) {
    return Arrays.stream(csv.split(",")).map(String::strip).map(Integer::parseInt).toList();
  }

  private static void parent(int n, List<Integer> mbs, int reps, int chunkKib) throws Exception {
    List<Integer> ports = freePorts(2 * n);
    List<Integer> ringPorts = ports.subList(0, n);
    List<Integer> tcpPorts = ports.subList(n, 2 * n);
    String java = ProcessHandle.current().info().command().orElse("java");
    long maxMb = mbs.stream().mapToLong(Integer::longValue).max().orElse(10);
    String heap = "-Xmx" + Math.max(512, 2 * maxMb + 256) + "m";
    List<Process> children = new ArrayList<>();
    for (int r = 0; r < n; r++) {
      ProcessBuilder pb = new ProcessBuilder(java, heap, "-cp", System.getProperty("java.class.path"),
          AllReduceBench.class.getName(), "--child", String.valueOf(r), join(ringPorts), join(tcpPorts),
          mbs.stream().map(String::valueOf).reduce((a, b) -> a + "," + b).orElseThrow(), String.valueOf(reps),
          String.valueOf(chunkKib));
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

  private static void child(int rank, String ringCsv, String tcpCsv, List<Integer> mbs, int reps, int chunkKib)
      throws Exception {
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
        // where DataParallel keeps a step's gradients: one direct buffer (no copy in the ring),
        // allocated once for all sizes, as are the stream's buffers: no garbage left to slow either
        int maxFloats = mbs.stream().mapToInt(mb -> mb * 1_000_000 / 4).max().orElse(0);
        ByteBuffer whole = ByteBuffer.allocateDirect(maxFloats * 4).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer outBuf = ByteBuffer.allocateDirect(1 << 20);
        ByteBuffer inBuf = ByteBuffer.allocateDirect(1 << 20);
        for (int mb : mbs) {
          int floats = mb * 1_000_000 / 4;
          ByteBuffer data = whole.duplicate().order(ByteOrder.LITTLE_ENDIAN).clear().limit(floats * 4);
          for (int i = 0; i < floats; i++) {
            data.putFloat(4 * i, 1f);
          }
          double bestRing = Double.MAX_VALUE;
          double bestTcp = Double.MAX_VALUE;
          for (int rep = 0; rep <= reps; rep++) {
            ring.allGather(new byte[1]); // align the ranks' start
            long t0 = System.nanoTime();
            ring.allReduceSum(data);
            double ringMs = (System.nanoTime() - t0) / 1e6;
            ring.allGather(new byte[1]);
            long t1 = System.nanoTime();
            stream(out, in, outBuf, inBuf, (long) floats * 4);
            double tcpMs = (System.nanoTime() - t1) / 1e6;
            if (rep > 0) {
              bestRing = Math.min(bestRing, ringMs);
              bestTcp = Math.min(bestTcp, tcpMs);
            }
          }
          if (rank == 0) {
            double size = (double) floats * 4;
            double busbw = size * 2 * (n - 1) / n / (bestRing / 1000) / 1e9;
            double tcp = size / (bestTcp / 1000) / 1e9;
            System.out.printf(Locale.ROOT, "RESULT %5d  %7d  %12.1f  %10.2f  %13.1f  %8.2f  %8.0f%%%n", n, mb, bestRing,
                busbw, bestTcp, tcp, 100 * busbw / tcp);
          }
        }
      }
    }
  }

  /**
   * The peer: writes {@code total} bytes to the next rank while reading as many from the previous
   * one, over blocking channels with 1 MiB direct buffers (the cheapest way the JVM can move bytes
   * through a socket: no per-call heap copy), nothing done with the bytes.
   */
  private static void stream(SocketChannel out, SocketChannel in, ByteBuffer b, ByteBuffer rb, long total)
      throws Exception {
    Thread writer = new Thread(() -> {
      try {
        long left = total;
        while (left > 0) {
          b.clear().limit((int) Math.min(b.capacity(), left));
          while (b.hasRemaining()) {
            left -= out.write(b);
          }
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    writer.start();
    long left = total;
    while (left > 0) {
      rb.clear().limit((int) Math.min(rb.capacity(), left));
      int k = in.read(rb);
      if (k < 0) {
        throw new IOException("peer closed the stream");
      }
      left -= k;
    }
    writer.join();
  }
}
