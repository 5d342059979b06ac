package org.sparklm.model.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparklm.model.gpt.Gpt;
import org.sparklm.model.gpt.GptConfig;
import org.sparklm.model.score.ByteEncoder;
import org.sparklm.model.score.Scorer;

class MultipleChoiceTest {
  static final GptConfig CFG = new GptConfig(256, 16, 32, 2, 1, 4, 0.0, "learned", true, true);

  /** A choice's log-likelihood is the sum of its bytes' log-probs after the context, in the last 17 ids. */
  @Test
  void logLikelihoodIsTheContinuationsLogProbsAndAccNormDividesByCharacters() {
    try (Gpt gpt = Gpt.create(CFG, Device.cpu(), 3)) {
      MultipleChoice.Item item = new MultipleChoice.Item("x", "The cat sat on the mat and", List.of("purred", "ran away"), 1);
      List<MultipleChoice.Scored> s = MultipleChoice.score(new Scorer(gpt, 4), ByteEncoder.INSTANCE, List.of(item));
      for (int c = 0; c < 2; c++) {
        int[] whole = ByteEncoder.INSTANCE.encode(item.context() + " " + item.choices().get(c));
        int cont = (" " + item.choices().get(c)).length();
        int[] row = Arrays.copyOfRange(whole, whole.length - 17, whole.length);
        float[] lp = gpt.logProbs(new int[][] {row})[0];
        double expected = 0;
        for (int j = lp.length - cont; j < lp.length; j++) {
          expected += lp[j];
        }
        assertEquals(expected, s.get(0).logLikelihoods()[c], 1e-4, "choice " + c);
      }
      double[] ll = s.get(0).logLikelihoods();
      assertEquals(ll[0] > ll[1] ? 0 : 1, s.get(0).predicted());
      assertEquals(ll[0] / 6 > ll[1] / 8 ? 0 : 1, s.get(0).predictedNorm());
      assertTrue(ll[1] < ll[0] - 1, "a longer continuation has the lower sum for an untrained model: " + Arrays.toString(ll));
    }
  }

  @Test
  void badItemsSayWhy() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new MultipleChoice.Item("q7", "ctx", List.of("a", "b"), 2));
    assertTrue(e.getMessage().contains("item q7: gold 2"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new MultipleChoice.Item("q8", "ctx", List.of("a"), 0));
  }
}
