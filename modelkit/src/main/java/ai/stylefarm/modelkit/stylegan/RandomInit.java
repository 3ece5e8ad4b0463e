package ai.stylefarm.modelkit.stylegan;

import ai.stylefarm.modelkit.inference.NumpyRandomState;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fresh generator weights by the official init rules: weights N(0, 1) (mapping weights divided by the lr
 * multiplier), biases 0 except the affine layers' 1, noise strengths 0, constant input and noise maps N(0, 1),
 * w_avg 0. Seeded, so the same seed always gives the same model.
 */
public final class RandomInit {
    private final NumpyRandomState rng;
    private final Map<String, Tensor> sd = new LinkedHashMap<>();

    private RandomInit(long seed) {
        this.rng = new NumpyRandomState(seed);
    }

    public static StateDict weights(GeneratorConfig cfg, long seed) {
        RandomInit init = new RandomInit(seed);
        init.mapping(cfg);
        init.synthesis(cfg);
        return new StateDict(init.sd);
    }

    private void mapping(GeneratorConfig cfg) {
        int embed = cfg.cDim() > 0 ? cfg.wDim() : 0;
        if (embed > 0) {
            dense("mapping.embed", cfg.cDim(), embed, 1.0, 0f);
        }
        int in = cfg.zDim() + embed;
        for (int i = 0; i < cfg.mappingLayers(); i++) {
            dense("mapping.fc" + i, in, cfg.wDim(), cfg.lrMultiplier(), 0f);
            in = cfg.wDim();
        }
        sd.put("mapping.w_avg", Tensor.zeros(cfg.wDim()));
    }

    private void synthesis(GeneratorConfig cfg) {
        Tensor filter = ResampleFilter.standardTaps();
        for (int res : cfg.blockResolutions()) {
            String b = "synthesis.b" + res;
            int out = cfg.channelsAt(res);
            if (res == 4) {
                sd.put(b + ".const", randn(out, 4, 4));
            } else {
                conv(b + ".conv0", cfg.channelsAt(res / 2), out, res, cfg.wDim(), filter);
            }
            conv(b + ".conv1", out, out, res, cfg.wDim(), filter);
            dense(b + ".torgb.affine", cfg.wDim(), out, 1.0, 1f);
            sd.put(b + ".torgb.weight", randn(cfg.imgChannels(), out, 1, 1));
            sd.put(b + ".torgb.bias", Tensor.zeros(cfg.imgChannels()));
            sd.put(b + ".resample_filter", filter);
        }
    }

    private void conv(String prefix, int in, int out, int res, int wDim, Tensor filter) {
        dense(prefix + ".affine", wDim, in, 1.0, 1f);
        sd.put(prefix + ".weight", randn(out, in, 3, 3));
        sd.put(prefix + ".bias", Tensor.zeros(out));
        sd.put(prefix + ".noise_strength", Tensor.scalar(0f));
        sd.put(prefix + ".noise_const", randn(res, res));
        sd.put(prefix + ".resample_filter", filter);
    }

    private void dense(String prefix, int in, int out, double lrMultiplier, float biasInit) {
        sd.put(prefix + ".weight", randn(out, in).scaled((float) (1 / lrMultiplier)));
        Tensor bias = Tensor.zeros(out);
        java.util.Arrays.fill(bias.data(), biasInit);
        sd.put(prefix + ".bias", bias);
    }

    private Tensor randn(int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) rng.nextGaussian();
        }
        return t;
    }
}
