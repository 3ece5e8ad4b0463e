package ai.stylefarm.modelkit.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LatentWalkTest {
    private static JsonNode scipy() throws Exception {
        try (InputStream in = LatentWalkTest.class.getResourceAsStream("/latent-walk/cubic-scipy.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    private static List<float[]> keyframes(JsonNode fixture) {
        List<float[]> keys = new ArrayList<>();
        for (JsonNode k : fixture.get("keyframes")) {
            float[] v = new float[k.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) k.get(i).asDouble();
            }
            keys.add(v);
        }
        return keys;
    }

    private static void assertMatchesScipy(JsonNode expected, LatentWalk walk) {
        assertEquals(expected.get("frames").size(), walk.frameCount());
        for (int f = 0; f < walk.frameCount(); f++) {
            float[] got = walk.at(f);
            for (int d = 0; d < got.length; d++) {
                assertEquals(expected.get("frames").get(f).get(d).asDouble(), got[d], 1e-5, "frame " + f + " dim " + d);
            }
        }
    }

    @Test
    void aLoopingCubicWalkEqualsScipysSplineOverTheTiledKeyframesAsGenVideoBuildsIt() throws Exception {
        JsonNode fixture = scipy();
        JsonNode loop = fixture.get("loop");
        assertMatchesScipy(loop, new LatentWalk(keyframes(fixture), LatentWalk.Kind.CUBIC, true,
                loop.get("frames_per_keyframe").asInt()));
    }

    @Test
    void anOpenCubicWalkEqualsScipysNotAKnotSplineThroughTheKeyframes() throws Exception {
        JsonNode fixture = scipy();
        JsonNode open = fixture.get("open");
        assertMatchesScipy(open, new LatentWalk(keyframes(fixture), LatentWalk.Kind.CUBIC, false,
                open.get("frames_per_keyframe").asInt()));
    }

    @Test
    void everyKindPassesThroughEachKeyframeOnItsFrame() {
        List<float[]> keys = random(6, 16, 1);
        for (LatentWalk.Kind kind : LatentWalk.Kind.values()) {
            for (boolean loop : new boolean[] {true, false}) {
                LatentWalk walk = new LatentWalk(keys, kind, loop, 7);
                for (int k = 0; k < keys.size(); k++) {
                    assertArrayEquals(keys.get(k), walk.at(k * 7L), 1e-5f, kind + " loop=" + loop + " keyframe " + k);
                }
            }
        }
    }

    @Test
    void aLoopReturnsToItsStartAsSmoothlyAsItMovesAnywhereElse() {
        List<float[]> keys = random(4, 32, 2);
        for (LatentWalk.Kind kind : LatentWalk.Kind.values()) {
            LatentWalk walk = new LatentWalk(keys, kind, true, 30);
            assertEquals(120, walk.frameCount());
            double seam = distance(walk.at(walk.frameCount() - 1), walk.at(0));
            double largestStep = 0;
            for (long f = 1; f < walk.frameCount(); f++) {
                largestStep = Math.max(largestStep, distance(walk.at(f - 1), walk.at(f)));
            }
            assertTrue(seam <= largestStep * 1.0001, kind + ": the seam step " + seam + " exceeds the largest step "
                    + largestStep);
        }
    }

    @Test
    void anOpenWalkEndsOnItsLastKeyframe() {
        List<float[]> keys = random(3, 8, 3);
        LatentWalk walk = new LatentWalk(keys, LatentWalk.Kind.LINEAR, false, 10);
        assertEquals(21, walk.frameCount());
        assertArrayEquals(keys.get(2), walk.at(20), 1e-6f);
        assertArrayEquals(LatentWalk.lerp(keys.get(0), keys.get(1), 0.5), walk.at(5), 1e-6f);
    }

    @Test
    void slerpKeepsTheNormOfEqualNormVectorsAlongTheArc() {
        float[] a = {3, 0, 0};
        float[] b = {0, 3, 0};
        float[] mid = LatentWalk.slerp(a, b, 0.5);
        assertEquals(3.0, Math.sqrt(mid[0] * mid[0] + mid[1] * mid[1] + mid[2] * mid[2]), 1e-5);
        assertArrayEquals(new float[] {2, 2, 0}, LatentWalk.slerp(new float[] {2, 2, 0}, new float[] {4, 4, 0}, 0)
                , 1e-6f);
    }

    @Test
    void badWalksAreRefusedWithTheReason() {
        assertThrows(IllegalArgumentException.class, () -> new LatentWalk(random(1, 4, 4), LatentWalk.Kind.LINEAR, true, 5));
        assertThrows(IllegalArgumentException.class, () -> new LatentWalk(List.of(new float[2], new float[3]),
                LatentWalk.Kind.LINEAR, true, 5));
        LatentWalk walk = new LatentWalk(random(2, 4, 5), LatentWalk.Kind.LINEAR, true, 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> walk.at(10));
        assertTrue(e.getMessage().contains("0 to 9"), e.getMessage());
    }

    private static List<float[]> random(int n, int dim, long seed) {
        Random random = new Random(seed);
        List<float[]> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] v = new float[dim];
            for (int d = 0; d < dim; d++) {
                v[d] = (float) random.nextGaussian();
            }
            keys.add(v);
        }
        return keys;
    }

    private static double distance(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s);
    }
}
