package ai.stylefarm.scheduler.duties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RocTest {

    @Test
    void separatedGroupsGiveAnAucOfOneAndAThresholdInTheGeometricMiddleOfTheGap() {
        Roc roc = Roc.of(new double[] {0.001, 0.002, 0.004}, new double[] {0.04, 0.05, 0.09}, 0.0);
        assertEquals(1.0, roc.auc());
        assertEquals(Math.sqrt(0.004 * 0.04), roc.threshold(), 1e-12);
        assertEquals(0.0, roc.fpr());
        assertEquals(1.0, roc.tpr());
        assertEquals(6, roc.points().size());
    }

    @Test
    void aucCountsTiesAsHalfAndOrderedPairsAsWins() {
        // Pairs (p, n): 0.1<0.2 win, 0.1<0.3 win, 0.3=0.3 tie... 0.3>0.2 loss: (2 + 0.5) / 4.
        Roc roc = Roc.of(new double[] {0.1, 0.3}, new double[] {0.2, 0.3}, 0.5);
        assertEquals(2.5 / 4, roc.auc(), 1e-12);
    }

    @Test
    void theThresholdKeepsTheFalsePositiveRateWithinTheTargetEvenWithTiedNegatives() {
        double[] negatives = {0.03, 0.03, 0.05, 0.06};
        Roc roc = Roc.of(new double[] {0.001, 0.01}, negatives, 0.25);
        assertTrue(roc.fpr() <= 0.25, "fpr " + roc.fpr());
        assertTrue(roc.threshold() < 0.03, "threshold " + roc.threshold());
        assertEquals(1.0, roc.tpr());
    }

    @Test
    void aTargetRateBelowOneNeverReachesPastTheLastNegative() {
        Roc roc = Roc.of(new double[] {0.001, 0.02}, new double[] {0.01, 0.03}, 0.9999999999);
        assertTrue(roc.threshold() < 0.03 && roc.threshold() > 0.01, "threshold " + roc.threshold());
        assertEquals(0.5, roc.fpr());
    }

    @Test
    void aPerfectReconstructionStillGetsAPositiveThreshold() {
        Roc roc = Roc.of(new double[] {0.0, 0.0}, new double[] {0.04, 0.05}, 0.05);
        assertEquals(0.02, roc.threshold(), 1e-12);
        assertEquals(1.0, roc.tpr());
    }
}
