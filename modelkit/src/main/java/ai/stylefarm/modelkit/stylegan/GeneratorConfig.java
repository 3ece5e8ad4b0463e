package ai.stylefarm.modelkit.stylegan;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The hyper-parameters of a StyleGAN2 generator, named as in NVIDIA's {@code training/networks.py}.
 * Only the 'skip' synthesis architecture is supported: it is what every released StyleGAN2 generator uses.
 *
 * @param zDim            latent z size (may be 0 for a purely conditional generator)
 * @param wDim            intermediate latent w size
 * @param cDim            conditioning label size, 0 when unconditional
 * @param mappingLayers   number of fully connected layers in the mapping network
 * @param lrMultiplier    learning-rate multiplier of the mapping layers (equalised-lr gain)
 * @param resolution      output resolution, a power of two from 4 to 1024
 * @param imgChannels     1 (greyscale) or 3 (RGB)
 * @param channelBase     channels at resolution r are min(channelBase / r, channelMax)
 * @param channelMax      upper bound on channels per layer
 * @param convClamp       activation clamp of every synthesis layer, empty for none
 */
public record GeneratorConfig(
        int zDim,
        int wDim,
        int cDim,
        int mappingLayers,
        double lrMultiplier,
        int resolution,
        int imgChannels,
        int channelBase,
        int channelMax,
        OptionalDouble convClamp) {

    public static final String ARCHITECTURE = "skip";

    public GeneratorConfig {
        require(zDim >= 0 && wDim > 0 && cDim >= 0, "z_dim, w_dim and c_dim must be non-negative (w_dim positive)");
        require(zDim + cDim > 0, "z_dim and c_dim cannot both be 0");
        require(mappingLayers >= 1, "mapping layers must be at least 1");
        require(lrMultiplier > 0 && Double.isFinite(lrMultiplier), "lr multiplier must be positive");
        require(resolution >= 4 && resolution <= 1024 && Integer.bitCount(resolution) == 1,
                "resolution must be a power of two from 4 to 1024, got " + resolution);
        require(imgChannels == 1 || imgChannels == 3, "img_channels must be 1 or 3, got " + imgChannels);
        require(channelBase > 0 && channelMax > 0, "channel_base and channel_max must be positive");
        require(convClamp.isEmpty() || convClamp.getAsDouble() > 0, "conv_clamp must be positive or none");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** log2(resolution). */
    public int resolutionLog2() {
        return Integer.numberOfTrailingZeros(resolution);
    }

    public int channelsAt(int res) {
        return Math.min(channelBase / res, channelMax);
    }

    /** Resolutions of the synthesis blocks: 4, 8, ..., resolution. */
    public int[] blockResolutions() {
        int n = resolutionLog2() - 1;
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = 4 << i;
        }
        return out;
    }

    /** Number of w vectors synthesis consumes: one per conv layer plus the last toRGB. */
    public int numWs() {
        return 2 * blockResolutions().length;
    }

    /** Inverse of {@link #toJson()}. */
    public static GeneratorConfig fromJson(Map<String, ?> m) {
        Object clamp = m.get("conv_clamp");
        Object arch = m.get("architecture");
        if (arch != null && !ARCHITECTURE.equals(arch)) {
            throw new IllegalArgumentException("architecture '" + arch + "' is not supported, only 'skip'");
        }
        return new GeneratorConfig(
                intOf(m, "z_dim"), intOf(m, "w_dim"), intOf(m, "c_dim"), intOf(m, "mapping_layers"),
                ((Number) m.get("lr_multiplier")).doubleValue(), intOf(m, "resolution"), intOf(m, "img_channels"),
                intOf(m, "channel_base"), intOf(m, "channel_max"),
                clamp == null ? OptionalDouble.empty() : OptionalDouble.of(((Number) clamp).doubleValue()));
    }

    private static int intOf(Map<String, ?> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException("generator config lacks '" + key + "'");
        }
        return n.intValue();
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("z_dim", zDim);
        m.put("w_dim", wDim);
        m.put("c_dim", cDim);
        m.put("mapping_layers", mappingLayers);
        m.put("lr_multiplier", lrMultiplier);
        m.put("resolution", resolution);
        m.put("img_channels", imgChannels);
        m.put("channel_base", channelBase);
        m.put("channel_max", channelMax);
        m.put("conv_clamp", convClamp.isPresent() ? convClamp.getAsDouble() : null);
        m.put("architecture", ARCHITECTURE);
        return m;
    }
}
