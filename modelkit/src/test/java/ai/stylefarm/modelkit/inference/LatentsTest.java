package ai.stylefarm.modelkit.inference;

import static ai.stylefarm.modelkit.testing.Fixtures.ADA_A;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stylefarm.modelkit.testing.Fixtures;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LatentsTest {

    @Test
    void zForASeedIsBitIdenticalToNumpyRandomStateRandn() {
        double[] expected = Fixtures.array(ADA_A + "z_float64.npy").toDoubles(); // [8, 64]
        for (int seed = 0; seed < 8; seed++) {
            double[] actual = new NumpyRandomState(seed).randn(64);
            assertArrayEquals(Arrays.copyOfRange(expected, seed * 64, seed * 64 + 64), actual, 0.0, "seed " + seed);
        }
    }

    @Test
    void float32ZMatchesTheFixtureCast() {
        float[] expected = Fixtures.tensor(ADA_A + "z.npy").data();
        for (int seed = 0; seed < 8; seed++) {
            assertArrayEquals(Arrays.copyOfRange(expected, seed * 64, seed * 64 + 64), Latents.z(seed, 64));
        }
    }

    @Test
    void truncationOfPsiOneWsReproducesTheOfficialPsiHalfWs() {
        float[] ws1 = Fixtures.tensor(ADA_A + "ws_psi1.npy").data(); // [8, 8, 64]
        float[] wsHalf = Fixtures.tensor(ADA_A + "ws_psi0.5.npy").data();
        float[] wAvg = Fixtures.tensor(ADA_A + "projection_w_avg.npy").data(); // not the model's; see below
        assertEquals(64, wAvg.length);
        // The model's w_avg is recoverable from the two fixtures: ws½ = w_avg + ½(w − w_avg) ⇒ w_avg = 2·ws½ − w.
        float[] modelWAvg = new float[64];
        for (int k = 0; k < 64; k++) {
            modelWAvg[k] = 2 * wsHalf[k] - ws1[k];
        }
        for (int n = 0; n < 8; n++) {
            float[] w = Arrays.copyOfRange(ws1, n * 512, n * 512 + 64);
            float[] ws = Latents.broadcastTruncated(w, modelWAvg, 8, 0.5f, null);
            float[] expected = Arrays.copyOfRange(wsHalf, n * 512, n * 512 + 512);
            assertTrue(Fixtures.maxAbsDiff(ws, expected) < 1e-5, "seed " + n);
        }
    }

    @Test
    void cutoffTruncatesOnlyTheFirstRows() {
        float[] w = {2f, 4f};
        float[] avg = {0f, 0f};
        float[] ws = Latents.broadcastTruncated(w, avg, 3, 0.5f, 1);
        assertArrayEquals(new float[] {1f, 2f, 2f, 4f, 2f, 4f}, ws);
    }

    @Test
    void seedsOutsideNumpysRangeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new NumpyRandomState(-1));
        assertThrows(IllegalArgumentException.class, () -> new NumpyRandomState(1L << 32));
    }
}
