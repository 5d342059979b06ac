package org.sparklm.model.data;

import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.InitContext;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.apache.parquet.schema.Type;

/**
 * The Parquet layout of a token shard: one column {@code tokens}, a list of int32 in the
 * standard three-level form, which Spark reads as {@code array<int>}. Written and read here with
 * parquet-hadoop directly (no Spark, no per-value objects): rows go straight between {@code int[]}
 * and Parquet's column writers.
 */
public final class TokenShards {
  private TokenShards() {}

  public static final String COLUMN = "tokens";

  public static final MessageType SCHEMA = MessageTypeParser.parseMessageType(
      "message spark_schema { required group tokens (LIST) { repeated group list { required int32 element; } } }");

  /**
   * Writes {@code rows} to {@code file} (ZSTD, replacing a file there). The bytes depend only on the
   * rows, so the same rows give the same file.
   */
  public static long write(Path file, Configuration conf, Iterator<int[]> rows, int rowGroupBytes) throws IOException {
    long n = 0;
    try (ParquetWriter<int[]> w = new WriterBuilder(HadoopOutputFile.fromPath(file, conf))
        .withConf(conf)
        .withCompressionCodec(CompressionCodecName.ZSTD)
        .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
        .withRowGroupSize((long) rowGroupBytes)
        .withDictionaryEncoding(false) // token ids are near-uniform: a dictionary only costs time
        .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
        .build()) {
      while (rows.hasNext()) {
        w.write(rows.next());
        n++;
      }
    }
    return n;
  }

  /** A reader of a shard's rows, each as a fresh {@code int[]}; {@code read()} returns null at the end. */
  public static ParquetReader<int[]> reader(Path file, Configuration conf) throws IOException {
    return ParquetReader.builder(new RowReadSupport(), file).withConf(conf).build();
  }

  private static final class WriterBuilder extends ParquetWriter.Builder<int[], WriterBuilder> {
    WriterBuilder(org.apache.parquet.io.OutputFile file) {
      super(file);
    }

    @Override
    protected WriterBuilder self() {
      return this;
    }

    @Override
    protected WriteSupport<int[]> getWriteSupport(Configuration conf) {
      return new RowWriteSupport();
    }
  }

  private static final class RowWriteSupport extends WriteSupport<int[]> {
    private RecordConsumer rc;

    @Override
    public WriteContext init(Configuration configuration) {
      return new WriteContext(SCHEMA, Map.of());
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      this.rc = recordConsumer;
    }

    @Override
    public void write(int[] row) {
      rc.startMessage();
      rc.startField(COLUMN, 0);
      rc.startGroup();
      if (row.length > 0) {
        rc.startField("list", 0);
        for (int v : row) {
          rc.startGroup();
          rc.startField("element", 0);
          rc.addInteger(v);
          rc.endField("element", 0);
          rc.endGroup();
        }
        rc.endField("list", 0);
      }
      rc.endGroup();
      rc.endField(COLUMN, 0);
      rc.endMessage();
    }
  }

  /** Reads the {@code tokens} column of our shards or of a Spark-written {@code array<int>} table. */
  private static final class RowReadSupport extends ReadSupport<int[]> {
    @Override
    public ReadContext init(InitContext context) {
      MessageType file = context.getFileSchema();
      if (!file.containsField(COLUMN)) {
        throw new IllegalArgumentException("not a token shard: no '" + COLUMN + "' column in " + file);
      }
      return new ReadContext(new MessageType(file.getName(), file.getType(COLUMN)));
    }

    @Override
    public RecordMaterializer<int[]> prepareForRead(Configuration conf, Map<String, String> meta, MessageType fileSchema,
                                                    ReadContext readContext) {
      Type tokens = readContext.getRequestedSchema().getType(COLUMN);
      if (tokens.isPrimitive() || tokens.asGroupType().getFieldCount() != 1
          || tokens.asGroupType().getType(0).isPrimitive()) {
        throw new IllegalArgumentException("not a token shard: '" + COLUMN + "' is not a list of int32: " + tokens);
      }
      return new RowMaterializer();
    }
  }

  private static final class RowMaterializer extends RecordMaterializer<int[]> {
    private int[] buf = new int[1024];
    private int n;

    private final PrimitiveConverter element = new PrimitiveConverter() {
      @Override
      public void addInt(int value) {
        if (n == buf.length) {
          buf = java.util.Arrays.copyOf(buf, n * 2);
        }
        buf[n++] = value;
      }
    };
    private final GroupConverter list = new Group(element);
    private final GroupConverter tokens = new Group(list);
    private final GroupConverter root = new GroupConverter() {
      @Override
      public Converter getConverter(int fieldIndex) {
        return tokens;
      }

      @Override
      public void start() {
        n = 0;
      }

      @Override
      public void end() {}
    };

    @Override
    public int[] getCurrentRecord() {
      return java.util.Arrays.copyOf(buf, n);
    }

    @Override
    public GroupConverter getRootConverter() {
      return root;
    }
  }

  private static final class Group extends GroupConverter {
    private final Converter child;

    Group(Converter child) {
      this.child = child;
    }

    @Override
    public Converter getConverter(int fieldIndex) {
      return child;
    }

    @Override
    public void start() {}

    @Override
    public void end() {}
  }
}
