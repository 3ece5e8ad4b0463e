package ai.stylefarm.modelkit.inference;

import ai.stylefarm.modelkit.bundle.ModelManifest;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Style mixing as NVIDIA's style_mixing.py does it: every seed's w is mapped and truncated toward w_avg on all
 * layers, then a cell takes its row seed's ws and replaces the chosen layers (the styles) with its column seed's.
 * Conditional models take a class index, which style_mixing.py leaves out.
 */
public final class StyleMixer {
    private final GeneratorSession session;
    private final ModelManifest m;

    public StyleMixer(GeneratorSession session) {
        this.session = session;
        this.m = session.manifest();
    }

    /** ws [num_ws, w_dim] per seed, in the given order. */
    public Map<Long, float[]> styles(List<Long> seeds, float psi, Integer classIdx) {
        int n = seeds.size();
        float[] z = new float[n * m.zDim()];
        for (int i = 0; i < n; i++) {
            System.arraycopy(Latents.z(seeds.get(i), m.zDim()), 0, z, i * m.zDim(), m.zDim());
        }
        float[] ws = session.mapTruncated(z, n, classIdx, psi);
        int size = m.numWs() * m.wDim();
        Map<Long, float[]> bySeed = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            bySeed.put(seeds.get(i), Arrays.copyOfRange(ws, i * size, (i + 1) * size));
        }
        return bySeed;
    }

    /** The row's ws with {@code layers} taken from the column's: [num_ws, w_dim]. */
    public float[] mix(float[] rowWs, float[] colWs, int[] layers) {
        float[] mixed = rowWs.clone();
        for (int layer : layers) {
            if (layer < 0 || layer >= m.numWs()) {
                throw new IllegalArgumentException("style layer " + layer + " is out of range 0 to " + (m.numWs() - 1));
            }
            System.arraycopy(colWs, layer * m.wDim(), mixed, layer * m.wDim(), m.wDim());
        }
        return mixed;
    }

    /**
     * Images [n, C, H, W] for a batch of ws.
     *
     * @param noiseSeeds one per image, for noise mode random (the row seed of a cell)
     */
    public float[] synthesize(List<float[]> ws, long[] noiseSeeds, NoiseMode noiseMode) {
        int size = m.numWs() * m.wDim();
        float[] batch = new float[ws.size() * size];
        for (int i = 0; i < ws.size(); i++) {
            System.arraycopy(ws.get(i), 0, batch, i * size, size);
        }
        return session.synthesize(batch, ws.size(), noiseMode, noiseSeeds);
    }
}
