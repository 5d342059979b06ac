package org.sparklm.jobs.train.dist;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.io.Serializable;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.resource.ResourceInformation;
import org.sparklm.jobs.common.HadoopConf;
import org.sparklm.model.checkpoint.Checkpoint;
import org.sparklm.model.config.ConfigLoader;
import org.sparklm.model.dist.DistributedWorker;
import org.sparklm.model.dist.RankedData;
import org.sparklm.model.dist.RingAllReduce;
import org.sparklm.model.gpt.GptConfig;
import org.sparklm.model.train.Devices;
import org.sparklm.model.train.TrainConfig;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;

/**
 * The body of one barrier task, i.e. one rank, on its executor: loads libtorch, opens a listening
 * socket, exchanges {@code host:port} (and rank 0's choice of checkpoint) with the other ranks in
 * the stage's one barrier {@code allGather} (it polls once a second: never per step), connects
 * the all-reduce ring and runs {@link DistributedWorker}.
 */
final class RankTask extends AbstractFunction1<Iterator<Integer>, Iterator<DistributedWorker.Result>>
    implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String modelJson;
  private final String trainJson;
  private final RankedData data;
  private final String tokenizerHash;
  private final byte[] tokenizerJson;
  private final String checkpointDir;
  private final long checksumEvery;
  private final int connectTimeoutS;
  private final int ioTimeoutS;
  private final int chunkBytes;
  private final long session;
  private final HadoopConf conf;

  RankTask(GptConfig model, TrainConfig train, RankedData data, String tokenizerHash, byte[] tokenizerJson,
           String checkpointDir, long checksumEvery,
           int connectTimeoutS, int ioTimeoutS, int chunkBytes, long session, HadoopConf conf) {
    this.modelJson = ConfigLoader.toJson(model);
    this.trainJson = ConfigLoader.toJson(train);
    this.data = data;
    this.tokenizerHash = tokenizerHash;
    this.tokenizerJson = tokenizerJson;
    this.checkpointDir = checkpointDir;
    this.checksumEvery = checksumEvery;
    this.connectTimeoutS = connectTimeoutS;
    this.ioTimeoutS = ioTimeoutS;
    this.chunkBytes = chunkBytes;
    this.session = session;
    this.conf = conf;
  }

  @Override
  public Iterator<DistributedWorker.Result> apply(Iterator<Integer> ignored) {
    try {
      return CollectionConverters.asScala(List.of(run()).iterator());
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  private DistributedWorker.Result run() throws Exception {
    BarrierTaskContext ctx = BarrierTaskContext.get();
    int rank = ctx.partitionId();
    int world = ctx.getTaskInfos().length;
    GptConfig model = ConfigLoader.fromJson(modelJson, GptConfig.class);
    TrainConfig train = ConfigLoader.fromJson(trainJson, TrainConfig.class);
    Device device = device(ctx.resourcesJMap(), train.device());
    Engine.getInstance(); // load libtorch now, so that it does not count against the connect timeout
    String host = SparkEnv.get().blockManager().blockManagerId().host();
    String executor = SparkEnv.get().executorId();
    String resume = "";
    if (rank == 0) {
      // rank 0 chooses for everyone: a straggler from a failed attempt could still be writing
      resume = Checkpoint.latest(new Path(checkpointDir), conf.get()).map(Path::toString).orElse("");
    }
    ServerSocketChannel server = RingAllReduce.listen(host);
    String mine = String.join("\t", host, String.valueOf(((InetSocketAddress) server.getLocalAddress()).getPort()),
        executor, resume);
    String[] all;
    try {
      all = ctx.allGather(mine);
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    List<InetSocketAddress> peers = new ArrayList<>();
    Map<String, Integer> byExecutor = new java.util.HashMap<>();
    for (int r = 0; r < world; r++) {
      String[] f = all[r].split("\t", -1);
      peers.add(new InetSocketAddress(f[0], Integer.parseInt(f[1])));
      Integer other = byExecutor.putIfAbsent(f[2], r);
      if (other != null) {
        server.close();
        throw new IllegalStateException("ranks " + other + " and " + r + " both run in executor " + f[2] + " on " + f[0]
            + ": each worker needs its own executor JVM (libtorch and DJL's gradient collector are per JVM); set "
            + "spark.task.cpus equal to spark.executor.cores");
      }
    }
    String resumeFrom = all[0].split("\t", -1)[3];
    System.err.printf("train: rank %d of %d in executor %s on %s, device %s, listening on %s; %s%n", rank, world,
        executor, host, device, peers.get(rank), resumeFrom.isEmpty() ? "starting fresh" : "resuming from " + resumeFrom);
    try (RingAllReduce ring = RingAllReduce.builder().setRank(rank).setPeers(peers).setServer(server)
        .optConnectTimeout(Duration.ofSeconds(connectTimeoutS)).optIoTimeout(Duration.ofSeconds(ioTimeoutS))
        .optChunkBytes(chunkBytes).optSession(session).connect()) {
      DistributedWorker.Spec spec = new DistributedWorker.Spec(rank, world, model, train, data, tokenizerHash, tokenizerJson,
          checkpointDir,
          resumeFrom.isEmpty() ? null : resumeFrom, checksumEvery, device, conf.get(), System.err);
      return DistributedWorker.run(spec, ring);
    }
  }

  /**
   * The GPU Spark assigned to this task ({@code spark.task.resource.gpu.amount}), else the CPU;
   * an explicit {@code train.device} of {@code cpu} or {@code gpuN} wins.
   */
  static Device device(Map<String, ResourceInformation> resources, String configured) {
    ResourceInformation gpu = resources.get("gpu");
    if (configured.equals("auto")) {
      if (gpu != null && gpu.addresses().length > 0) {
        return Devices.select("gpu" + gpu.addresses()[0]);
      }
      return Device.cpu();
    }
    return Devices.select(configured);
  }
}
