package org.sparklm.model.dist;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Gradient all-reduce over a ring of TCP connections: each rank connects to the next rank and
 * accepts one connection from the previous one, then sums a float array across all ranks with
 * the bandwidth-optimal ring algorithm (Patarasuk &amp; Yuan 2009; what NCCL and Horovod do):
 * a reduce-scatter of {@code n - 1} steps, after which rank {@code r} holds the full sum of
 * segment {@code r + 1}, then an all-gather of {@code n - 1} steps. Each rank sends and receives
 * {@code 2 (n - 1) / n} of the array's bytes, whatever {@code n}. Each segment goes out straight
 * from the caller's buffer as soon as its bytes are final while the incoming segment is read and
 * reduced as it lands, so sending, receiving and adding overlap.
 *
 * <p>Why hand-written: DJL has no distributed training (its maintainers say so in djl#1246 and
 * djl#2944), Spark's barrier {@code allGather} polls once a second (fine for a rendezvous,
 * far too slow per step), and the JVM collective libraries (Gloo and NCCL bindings, MPI) would
 * add native builds that Spark executors do not have. A ring over Java NIO needs nothing but the
 * JDK.
 *
 * <p>Failure is loud and bounded: a peer that never connects fails {@link #connect} after the
 * connect timeout; a peer that stops sending or reading for the I/O timeout, closes its
 * connection or dies fails the collective at once; every error names the peer's rank and address.
 *
 * <p>Every rank ends with bit-identical sums: each segment is added up at one rank and copied
 * to the others, so replicas that apply the same update never drift.
 */
public final class RingAllReduce implements AutoCloseable {
  /** First bytes of every connection: "SPLM". */
  static final int MAGIC = 0x53504c4d;
  /** Longest {@link #allGather} message. */
  static final int MAX_MESSAGE = 1 << 20;
  /** Floats per step of the reduce-scatter's addition (256 KiB). */
  private static final int ADD_BLOCK = 1 << 16;

  private final int rank;
  private final List<InetSocketAddress> peers;
  private final int world;
  private final ServerSocketChannel server;
  private final Duration connectTimeout;
  private final Duration ioTimeout;
  private final int chunkBytes;
  private final long session;
  private SocketChannel toNext;
  private SocketChannel fromPrev;
  private Selector selector;
  private SelectionKey outKey;
  private SelectionKey inKey;
  private ByteBuffer sendBuf;
  private ByteBuffer recvBuf;
  /** The reduce-scatter's additions run over these (received floats, own partial sums). */
  private float[] addIn;
  private float[] addOut;
  /** The float[] all-reduce's direct copy of the array. */
  private ByteBuffer staging;
  // the all-reduce's sending side: its own thread and selector
  private ExecutorService sender;
  private Selector sendSelector;
  private SelectionKey sendKey;
  private volatile Thread senderThread;
  private volatile boolean cancelled;
  /** Bytes the receiving side has finished (added or placed), counted over the whole collective. */
  private final AtomicLong received = new AtomicLong();
  private long bytesSent;

  private RingAllReduce(Builder b) {
    this.rank = b.rank;
    this.peers = List.copyOf(b.peers);
    this.world = peers.size();
    this.server = b.server;
    this.connectTimeout = b.connectTimeout;
    this.ioTimeout = b.ioTimeout;
    this.chunkBytes = b.chunkBytes;
    this.session = b.session;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Opens this rank's listening socket on {@code host} at a free port, before the rendezvous. */
  public static ServerSocketChannel listen(String host) throws IOException {
    ServerSocketChannel s = ServerSocketChannel.open();
    s.bind(new InetSocketAddress(host, 0), 16);
    return s;
  }

  /** DJL-style builder: {@code set…} required, {@code opt…} optional. */
  public static final class Builder {
    private int rank = -1;
    private List<InetSocketAddress> peers;
    private ServerSocketChannel server;
    private Duration connectTimeout = Duration.ofSeconds(60);
    private Duration ioTimeout = Duration.ofSeconds(300);
    private int chunkBytes = 1 << 20;
    private long session;

    public Builder setRank(int v) {
      this.rank = v;
      return this;
    }

    /** Every rank's listening address, indexed by rank (this rank's own included). */
    public Builder setPeers(List<InetSocketAddress> v) {
      this.peers = v;
      return this;
    }

    /** This rank's listening socket, from {@link #listen}; closed with the ring. */
    public Builder setServer(ServerSocketChannel v) {
      this.server = v;
      return this;
    }

    /** How long to wait for the neighbours to connect (and accept). */
    public Builder optConnectTimeout(Duration v) {
      this.connectTimeout = v;
      return this;
    }

    /** How long a collective may go without any bytes moving before the peer is called hung. */
    public Builder optIoTimeout(Duration v) {
      this.ioTimeout = v;
      return this;
    }

    /** Bytes per reduce-scatter receive (the size of the receive buffer and of each addition). */
    public Builder optChunkBytes(int v) {
      this.chunkBytes = v;
      return this;
    }

    /** An id every rank of one attempt shares: connections from another attempt are refused. */
    public Builder optSession(long v) {
      this.session = v;
      return this;
    }

    /** Builds the ring and connects it (blocks up to the connect timeout). */
    public RingAllReduce connect() throws IOException {
      if (peers == null || peers.isEmpty()) {
        throw new IllegalStateException("setPeers is required");
      }
      if (rank < 0 || rank >= peers.size()) {
        throw new IllegalStateException("rank " + rank + " is not in [0, " + peers.size() + ")");
      }
      if (server == null && peers.size() > 1) {
        throw new IllegalStateException("setServer is required");
      }
      if (chunkBytes < 64 || chunkBytes % 4 != 0) {
        throw new IllegalArgumentException("chunk bytes must be a multiple of 4 and >= 64, got " + chunkBytes);
      }
      RingAllReduce r = new RingAllReduce(this);
      try {
        r.connectRing();
      } catch (IOException | RuntimeException e) {
        r.close();
        throw e;
      }
      return r;
    }
  }

  public int rank() {
    return rank;
  }

  public int world() {
    return world;
  }

  /** Payload bytes this rank has sent so far. */
  public long bytesSent() {
    return bytesSent;
  }

  private int next() {
    return (rank + 1) % world;
  }

  private int prev() {
    return (rank - 1 + world) % world;
  }

  private String who(int r) {
    return "rank " + r + " (" + peers.get(r).getHostString() + ":" + peers.get(r).getPort() + ")";
  }

  private String me() {
    return "rank " + rank + " of " + world;
  }

  private void connectRing() throws IOException {
    if (world == 1) {
      return;
    }
    long deadline = System.nanoTime() + connectTimeout.toNanos();
    // Connect first: a TCP connect completes in the peer's backlog before it accepts, so every
    // rank can connect and then accept without waiting on one another.
    IOException last = null;
    while (toNext == null) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new PeerException(next(), me() + ": could not connect to " + who(next()) + " within "
            + secs(connectTimeout) + " (connect_timeout_s)" + (last == null ? "" : ": " + last.getMessage())
            + "; is its executor alive and the port reachable?", last);
      }
      SocketChannel ch = SocketChannel.open();
      try {
        ch.socket().connect(peers.get(next()), (int) Math.max(1, Math.min(left / 1_000_000, 5_000)));
        toNext = ch;
      } catch (IOException e) {
        ch.close();
        last = e;
        sleep(Math.min(200, Math.max(1, left / 1_000_000)));
      }
    }
    tune(toNext);
    ByteBuffer hello = ByteBuffer.allocate(20).putInt(MAGIC).putInt(rank).putInt(world).putLong(session).flip();
    while (hello.hasRemaining()) {
      toNext.write(hello); // 20 bytes into an empty socket buffer: never blocks
    }
    toNext.configureBlocking(false);

    server.configureBlocking(false);
    try (Selector accept = Selector.open()) {
      server.register(accept, SelectionKey.OP_ACCEPT);
      while (fromPrev == null) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new PeerException(prev(), me() + ": " + who(prev()) + " never connected within "
              + secs(connectTimeout) + " (connect_timeout_s); it died or hangs before joining the ring");
        }
        accept.select(Math.max(1, left / 1_000_000));
        accept.selectedKeys().clear();
        SocketChannel ch = server.accept();
        if (ch != null) {
          ch.configureBlocking(false);
          ByteBuffer h = ByteBuffer.allocate(20);
          try {
            readFully(ch, h, deadline, prev(), "handshake");
          } catch (PeerException e) {
            ch.close();
            throw e;
          }
          h.flip();
          int magic = h.getInt();
          int from = h.getInt();
          int theirWorld = h.getInt();
          long theirSession = h.getLong();
          if (magic != MAGIC || theirSession != session || from != prev()) {
            // a stray or stale connection (e.g. from a previous attempt): not our neighbour
            System.err.printf("all-reduce %s: ignored a connection from %s (rank %d, session %d; expected rank %d, "
                + "session %d)%n", me(), ch.getRemoteAddress(), from, theirSession, prev(), session);
            ch.close();
            continue;
          }
          if (theirWorld != world) {
            ch.close();
            throw new PeerException(from, me() + ": " + who(from) + " believes the world size is " + theirWorld);
          }
          tune(ch);
          fromPrev = ch;
        }
      }
    }
    selector = Selector.open();
    outKey = toNext.register(selector, 0);
    inKey = fromPrev.register(selector, 0);
    sendBuf = ByteBuffer.allocateDirect(chunkBytes).order(ByteOrder.LITTLE_ENDIAN);
    recvBuf = ByteBuffer.allocateDirect(chunkBytes).order(ByteOrder.LITTLE_ENDIAN);
    addIn = new float[Math.min(ADD_BLOCK, chunkBytes / 4)];
    addOut = new float[Math.min(ADD_BLOCK, chunkBytes / 4)];
    sendSelector = Selector.open();
    sendKey = toNext.register(sendSelector, 0);
    sender = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "all-reduce-send-rank-" + rank);
      t.setDaemon(true);
      return t;
    });
  }

  /** The socket options of every ring connection (AllReduceBench gives its TCP stream the same). */
  static void tune(SocketChannel ch) throws IOException {
    ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
    ch.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
    ch.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
  }

  private void readFully(SocketChannel ch, ByteBuffer b, long deadline, int peer, String what) throws IOException {
    try (Selector s = Selector.open()) {
      ch.register(s, SelectionKey.OP_READ);
      while (b.hasRemaining()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new PeerException(peer, me() + ": " + who(peer) + " connected but sent no " + what + " within "
              + secs(connectTimeout));
        }
        s.select(Math.max(1, left / 1_000_000));
        s.selectedKeys().clear();
        if (ch.read(b) < 0) {
          throw new PeerException(peer, me() + ": " + who(peer) + " closed the connection during the " + what);
        }
      }
    }
  }

  /** Sums {@code data} element-wise across all ranks, in place; every rank gets the same bits. */
  public void allReduceSum(float[] data) throws IOException {
    allReduceSum(data, data.length);
  }

  /**
   * Sums the first {@code length} floats of {@code data} across all ranks, in place. Stages the
   * floats through a direct buffer the ring keeps (grown to the largest length seen): callers that
   * hold their data in a direct buffer save that copy (and memory) with {@link #allReduceSum(ByteBuffer)}.
   */
  public void allReduceSum(float[] data, int length) throws IOException {
    Objects.checkFromIndexSize(0, length, data.length);
    if (world == 1 || length == 0) {
      return;
    }
    int bytes = Math.multiplyExact(length, 4);
    if (staging == null || staging.capacity() < bytes) {
      staging = null;
      staging = ByteBuffer.allocateDirect(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }
    ByteBuffer b = staging.clear().limit(bytes);
    b.asFloatBuffer().put(data, 0, length);
    allReduceSum(b);
    b.asFloatBuffer().get(data, 0, length);
  }

  /**
   * Sums the little-endian floats between {@code data}'s position and limit across all ranks, in
   * place (position and limit unchanged; the buffer's own byte order setting is ignored). With a
   * direct buffer nothing is copied in user space except the reduce-scatter's additions: each
   * segment is written to the socket straight from {@code data}, and each all-gather segment is
   * read straight into its place.
   *
   * <p>Pipelined: the {@code 2(n-1)} ring steps form one stream per direction. A sender thread
   * writes each step's segment to the next rank, as much per system call as the socket takes,
   * while this thread reads the previous rank's stream and adds (reduce-scatter) or places
   * (all-gather) it as it lands. The segment sent in step {@code t + 1} is the one received in
   * step {@code t}, so the sender streams each byte as soon as this thread has made it final: on
   * loopback or a real network the write and read system calls, and the additions, all run at
   * the same time. (One thread serving both sockets used the same CPU time but serialized it:
   * up to 1.5x slower on 2 ranks; docs/performance.md.)
   */
  public void allReduceSum(ByteBuffer data) throws IOException {
    if (data.remaining() % 4 != 0) {
      throw new IllegalArgumentException("the buffer holds " + data.remaining() + " bytes, not whole floats");
    }
    if (world == 1 || !data.hasRemaining()) {
      return;
    }
    ByteBuffer buf = data.slice().order(ByteOrder.LITTLE_ENDIAN);
    FloatBuffer floats = buf.asFloatBuffer();
    ByteBuffer inView = buf.duplicate();
    int length = buf.capacity() / 4;
    int steps = 2 * (world - 1);
    int[] sendSeg = new int[steps];
    int[] recvSeg = new int[steps];
    for (int t = 0; t < steps; t++) {
      int s = t < world - 1 ? t : t - (world - 1);
      sendSeg[t] = t < world - 1 ? Math.floorMod(rank - s, world) : Math.floorMod(rank + 1 - s, world);
      recvSeg[t] = t < world - 1 ? Math.floorMod(rank - s - 1, world) : Math.floorMod(rank - s, world);
    }
    received.set(0);
    cancelled = false;
    // this thread's selector must wake for incoming data only: an OP_WRITE interest left on the
    // outgoing key (by allGather) would make every select return at once on the writable socket,
    // and the receiving thread would spin through select/read pairs instead of sleeping
    outKey.interestOps(0);
    recvBuf.clear();
    Future<?> sending = sender.submit(() -> {
      sendStream(buf.duplicate(), length, sendSeg);
      return null;
    });
    try {
      long done = 0;
      for (int t = 0; t < steps; t++) {
        int inPos = 4 * segStart(recvSeg[t], length);
        int inEnd = 4 * segStart(recvSeg[t] + 1, length);
        boolean add = t < world - 1;
        long lastProgress = System.nanoTime();
        inKey.interestOps(0);
        boolean wait = false;
        while (inPos < inEnd) {
          if (sending.isDone()) {
            sending.get();
          }
          if (wait) {
            inKey.interestOps(SelectionKey.OP_READ);
            selector.select(Math.min(200, Math.max(1, ioTimeout.toMillis())));
            selector.selectedKeys().clear();
          }
          int r;
          try {
            if (add) {
              recvBuf.limit(Math.min(recvBuf.capacity(), inEnd - inPos));
              r = fromPrev.read(recvBuf);
            } else {
              inView.limit(inEnd).position(inPos);
              r = fromPrev.read(inView);
            }
          } catch (IOException e) {
            throw new PeerException(prev(), me() + ": lost the connection to " + who(prev()) + " during " + phase(t)
                + " (" + e.getMessage() + "): that worker died or failed", e);
          }
          if (r < 0) {
            throw new PeerException(prev(), me() + ": " + who(prev()) + " closed its connection during " + phase(t)
                + ": that worker died or failed");
          }
          long now = System.nanoTime();
          if (r > 0) {
            int p = add ? addReceived(floats, inPos) : inView.position();
            done += p - inPos;
            inPos = p;
            received.set(done);
            LockSupport.unpark(senderThread);
            lastProgress = now;
            wait = false;
          } else {
            wait = true;
            if (now - lastProgress > ioTimeout.toNanos()) {
              throw stalled(prev(), "no data from " + who(prev()), phase(t));
            }
          }
          if (Thread.currentThread().isInterrupted()) {
            throw new java.io.InterruptedIOException(me() + ": interrupted during " + phase(t));
          }
        }
      }
      inKey.interestOps(0);
      awaitSender(sending, false);
    } catch (IOException | RuntimeException e) {
      cancelled = true;
      LockSupport.unpark(senderThread);
      try {
        awaitSender(sending, true);
      } catch (IOException | RuntimeException ignored) {
        // the receiving side's error is the one to report; the sender's follows from it
      }
      throw e;
    } catch (ExecutionException e) {
      cancelled = true;
      throw unwrap(e);
    } catch (InterruptedException e) {
      cancelled = true;
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException(me() + ": interrupted during all-reduce");
    }
  }

  private void awaitSender(Future<?> sending, boolean quietly) throws IOException {
    try {
      sending.get(quietly ? 5_000 : ioTimeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw unwrap(e);
    } catch (TimeoutException e) {
      throw new PeerException(next(), me() + ": " + who(next()) + " stopped reading (io_timeout_s)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException(me() + ": interrupted during all-reduce");
    }
  }

  private static IOException unwrap(ExecutionException e) {
    Throwable c = e.getCause();
    if (c instanceof IOException io) {
      return io;
    }
    if (c instanceof RuntimeException re) {
      throw re;
    }
    return new IOException(c);
  }

  /**
   * The sending side of {@link #allReduceSum(ByteBuffer)}: every step's segment straight from the
   * buffer, each byte once the receiving side has finished it (step 0's at once).
   */
  private void sendStream(ByteBuffer out, int length, int[] sendSeg) throws IOException {
    senderThread = Thread.currentThread();
    long recvBefore = 0; // bytes the receiver had to finish before the current step's segment
    for (int t = 0; t < sendSeg.length; t++) {
      int pos = 4 * segStart(sendSeg[t], length);
      int start = pos;
      int end = 4 * segStart(sendSeg[t] + 1, length);
      long lastProgress = System.nanoTime();
      boolean wait = false;
      while (pos < end) {
        int limit = end;
        if (t > 0) {
          long avail = received.get() - recvBefore;
          limit = (int) Math.min(end, start + Math.max(0, avail));
          if (limit <= pos) {
            if (cancelled) {
              return;
            }
            LockSupport.parkNanos(this, 1_000_000);
            lastProgress = System.nanoTime();
            continue;
          }
        }
        if (wait) {
          sendKey.interestOps(SelectionKey.OP_WRITE);
          sendSelector.select(Math.min(200, Math.max(1, ioTimeout.toMillis())));
          sendSelector.selectedKeys().clear();
        }
        if (cancelled) {
          return;
        }
        out.limit(limit).position(pos);
        int w;
        try {
          w = toNext.write(out);
        } catch (IOException e) {
          throw new PeerException(next(), me() + ": lost the connection to " + who(next()) + " during " + phase(t)
              + " (" + e.getMessage() + "): that worker died or failed", e);
        }
        bytesSent += w;
        pos += w;
        long now = System.nanoTime();
        if (w > 0) {
          lastProgress = now;
          wait = false;
        } else {
          wait = true;
          if (now - lastProgress > ioTimeout.toNanos()) {
            throw stalled(next(), who(next()) + " stopped reading", phase(t));
          }
        }
      }
      sendKey.interestOps(0);
      if (t > 0) {
        recvBefore += end - start;
      }
    }
  }

  /**
   * Adds the whole floats in recvBuf to {@code floats} from byte {@code inPos} on and keeps a
   * partial float's bytes for the next read. Through two float[] chunks: bulk copies and a plain
   * array loop the JIT vectorizes (an element loop over direct buffers is several times slower).
   * Every rank adds in the same order (own partial sum + received), so the sums are bit-identical.
   */
  private int addReceived(FloatBuffer floats, int inPos) {
    recvBuf.flip();
    int n = recvBuf.remaining() / 4;
    if (n > 0) {
      int at = inPos / 4;
      FloatBuffer in = recvBuf.asFloatBuffer();
      float[] a = addOut;
      float[] b = addIn;
      // in blocks whose three copies fit a core's L2 cache together
      for (int from = 0; from < n; from += ADD_BLOCK) {
        int m = Math.min(ADD_BLOCK, n - from);
        in.get(from, b, 0, m);
        floats.get(at + from, a, 0, m);
        for (int i = 0; i < m; i++) {
          a[i] += b[i];
        }
        floats.put(at + from, a, 0, m);
      }
      recvBuf.position(n * 4);
    }
    recvBuf.compact();
    return inPos + n * 4;
  }

  private String phase(int t) {
    return t < world - 1 ? "reduce-scatter step " + (t + 1) + "/" + (world - 1)
        : "all-gather step " + (t - world + 2) + "/" + (world - 1);
  }

  /** The mean across ranks, in place (the sum times {@code 1/n}, so still identical on every rank). */
  public void allReduceMean(float[] data) throws IOException {
    allReduceSum(data);
    float inv = 1f / world;
    for (int i = 0; i < data.length; i++) {
      data[i] *= inv;
    }
  }

  private int segStart(int seg, int length) {
    return (int) ((long) seg * length / world);
  }

  /**
   * Sends {@code out[outPos, outEnd)} to the next rank while receiving as many floats from the
   * previous rank into {@code in[inPos, inEnd)}, copied chunk by chunk as they arrive: for the
   * small messages of {@link #allGather} (the all-reduce has its own pipeline over the buffer).
   * Never reads past the message, so each collective starts with an empty receive buffer.
   */
  private void move(float[] out, int outPos, int outEnd, float[] in, int inPos, int inEnd, String phase)
      throws IOException {
    sendBuf.clear().limit(0);
    recvBuf.clear();
    long lastProgress = System.nanoTime();
    while (outPos < outEnd || sendBuf.hasRemaining() || inPos < inEnd) {
      if (!sendBuf.hasRemaining() && outPos < outEnd) {
        int n = Math.min(outEnd - outPos, chunkBytes / 4);
        sendBuf.clear();
        sendBuf.asFloatBuffer().put(out, outPos, n);
        sendBuf.limit(n * 4);
        outPos += n;
      }
      boolean sending = sendBuf.hasRemaining();
      boolean receiving = inPos < inEnd;
      outKey.interestOps(sending ? SelectionKey.OP_WRITE : 0);
      inKey.interestOps(receiving ? SelectionKey.OP_READ : 0);
      selector.select(Math.min(1000, Math.max(1, ioTimeout.toMillis())));
      selector.selectedKeys().clear();
      boolean progress = false;
      if (sending) {
        int w;
        try {
          w = toNext.write(sendBuf);
        } catch (IOException e) {
          throw new PeerException(next(), me() + ": lost the connection to " + who(next()) + " during " + phase
              + " (" + e.getMessage() + "): that worker died or failed", e);
        }
        bytesSent += w;
        progress |= w > 0;
      }
      if (receiving) {
        int r;
        try {
          // never past this message (the previous rank may already be sending the next one)
          recvBuf.limit((int) Math.min(recvBuf.capacity(), 4L * (inEnd - inPos)));
          r = fromPrev.read(recvBuf);
        } catch (IOException e) {
          throw new PeerException(prev(), me() + ": lost the connection to " + who(prev()) + " during " + phase
              + " (" + e.getMessage() + "): that worker died or failed", e);
        }
        if (r < 0) {
          throw new PeerException(prev(), me() + ": " + who(prev()) + " closed its connection during " + phase
              + ": that worker died or failed");
        }
        if (r > 0) {
          progress = true;
          inPos = drain(in, inPos, inEnd);
        }
      }
      long now = System.nanoTime();
      if (progress) {
        lastProgress = now;
      } else if (now - lastProgress > ioTimeout.toNanos()) {
        boolean waitingForData = inPos < inEnd;
        String stuck = waitingForData ? "no data from " + who(prev()) : who(next()) + " stopped reading";
        throw stalled(waitingForData ? prev() : next(), stuck, phase);
      }
    }
  }

  /** Copies the whole floats held in recvBuf to {@code in} (at most up to {@code inEnd}); keeps the rest. */
  private int drain(float[] in, int inPos, int inEnd) {
    recvBuf.flip();
    int n = Math.min(recvBuf.remaining() / 4, inEnd - inPos);
    if (n > 0) {
      recvBuf.asFloatBuffer().get(in, inPos, n);
      recvBuf.position(recvBuf.position() + n * 4);
    }
    recvBuf.compact();
    return inPos + n;
  }

  /**
   * Every rank's {@code mine}, indexed by rank (small messages: checksums, cursors). Travels the
   * same ring, so it also proves every link still works.
   */
  public byte[][] allGather(byte[] mine) throws IOException {
    byte[][] all = new byte[world][];
    all[rank] = mine;
    for (int s = 0; s < world - 1; s++) {
      int send = Math.floorMod(rank - s, world);
      int recv = Math.floorMod(rank - s - 1, world);
      all[recv] = exchange(all[send], "all-gather of small messages");
    }
    return all;
  }

  /**
   * Sends a length-prefixed message to the next rank while receiving one from the previous rank.
   * Each byte travels as one float (an exact small integer): these messages are tens of bytes,
   * and the one wire path keeps the timeout and error handling in one place.
   */
  private byte[] exchange(byte[] out, String phase) throws IOException {
    if (out.length > MAX_MESSAGE) {
      throw new IllegalArgumentException("all-gather message of " + out.length + " bytes; at most " + MAX_MESSAGE);
    }
    float[] inLen = new float[1];
    move(new float[] {out.length}, 0, 1, inLen, 0, 1, phase);
    int theirs = (int) inLen[0];
    if (inLen[0] != theirs || theirs < 0 || theirs > MAX_MESSAGE) {
      throw new PeerException(prev(), me() + ": " + who(prev()) + " sent a message length of " + inLen[0]
          + " during " + phase + ": not a sparklm all-reduce peer, or the ring is out of step");
    }
    float[] o = new float[out.length];
    for (int k = 0; k < out.length; k++) {
      o[k] = out[k];
    }
    float[] i = new float[theirs];
    move(o, 0, o.length, i, 0, i.length, phase);
    byte[] in = new byte[theirs];
    for (int k = 0; k < theirs; k++) {
      in[k] = (byte) i[k];
    }
    return in;
  }

  /** The error for a peer that made no progress for io_timeout: {@code stuck} says which way. */
  private PeerException stalled(int peer, String stuck, String phase) {
    return new PeerException(peer, me() + ": " + stuck + " for " + secs(ioTimeout) + " (io_timeout_s) during " + phase
        + ": that worker hangs or its host is gone");
  }

  private static String secs(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    cancelled = true;
    if (sender != null) {
      sender.shutdownNow();
    }
    for (AutoCloseable c : new AutoCloseable[] {selector, sendSelector, toNext, fromPrev, server}) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception ignored) {
          // closing is best effort: the peer sees EOF either way
        }
      }
    }
  }

  /** A collective failed because of one peer, named by {@link #peerRank()}. */
  public static final class PeerException extends IOException {
    private final int peerRank;

    PeerException(int peerRank, String message) {
      super(message);
      this.peerRank = peerRank;
    }

    PeerException(int peerRank, String message, Throwable cause) {
      super(message, cause);
      this.peerRank = peerRank;
    }

    public int peerRank() {
      return peerRank;
    }
  }
}
