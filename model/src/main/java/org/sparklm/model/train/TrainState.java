package org.sparklm.model.train;

import java.util.List;
import java.util.Map;
import org.sparklm.model.data.ShardCursor;

/**
 * A trainer's state besides the weights: what a checkpoint stores so that a resumed run takes
 * exactly the steps an uninterrupted one would. The learning rate is a function of {@code step};
 * dropout's random numbers are a function of (seed, step); the data order of (seed, cursor).
 *
 * @param step optimizer steps done
 * @param cursor the next training row
 * @param lossScale fp16 dynamic loss scale (1 in fp32)
 * @param goodSteps finite steps since the loss scale last changed
 * @param recentLosses the spike detector's window, oldest first
 * @param adamStep AdamW's bias-correction step count
 * @param firstMoments AdamW m by parameter name
 * @param secondMoments AdamW v by parameter name
 */
public record TrainState(long step, ShardCursor cursor, double lossScale, long goodSteps, List<Double> recentLosses,
                         long adamStep, Map<String, float[]> firstMoments, Map<String, float[]> secondMoments) {}
