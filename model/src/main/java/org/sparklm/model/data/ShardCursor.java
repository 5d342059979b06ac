package org.sparklm.model.data;

/**
 * Where a reader stands in one rank's seeded row order of a split: the row that {@code next()}
 * returns next is row {@code row} of the {@code shard}-th shard in that rank's order for
 * {@code epoch}. Checkpoints store it so that training resumes on exactly the next row.
 */
public record ShardCursor(long epoch, int shard, long row) {
  public static final ShardCursor START = new ShardCursor(0, 0, 0);

  public ShardCursor {
    if (epoch < 0 || shard < 0 || row < 0) {
      throw new IllegalArgumentException("cursor fields must be >= 0: " + epoch + "/" + shard + "/" + row);
    }
  }
}
