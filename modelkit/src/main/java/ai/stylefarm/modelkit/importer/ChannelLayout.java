package ai.stylefarm.modelkit.importer;

import ai.stylefarm.modelkit.ModelImportException;
import ai.stylefarm.modelkit.stylegan.StateDict;

/**
 * channel_base and channel_max, recovered from the weights: StyleGAN2 uses min(channel_base / res, channel_max)
 * channels at each resolution. Reading them off the tensors works for every source format, including those that do
 * not record the two numbers.
 */
record ChannelLayout(int base, int max) {

    /** Channels per block resolution 4, 8, …, res, from each block's conv1 weight [O, I, 3, 3]. */
    static int[] fromWeights(StateDict sd, int res) {
        int blocks = Integer.numberOfTrailingZeros(res) - 1;
        int[] channels = new int[blocks];
        for (int i = 0; i < blocks; i++) {
            String key = "synthesis.b" + (4 << i) + ".conv1.weight";
            if (!sd.has(key)) {
                throw new ModelImportException("missing key '" + key + "' in the generator's state dict");
            }
            channels[i] = sd.asMap().get(key).dim(0);
        }
        return channels;
    }

    static ChannelLayout infer(int[] channels, int res, String what) {
        int max = channels[0];
        int base = max * res;
        for (int i = channels.length - 1; i >= 0; i--) {
            if (channels[i] < max) {
                base = channels[i] * (4 << i);
                break;
            }
        }
        for (int i = 0; i < channels.length; i++) {
            int r = 4 << i;
            if (Math.min(base / r, max) != channels[i]) {
                throw new ModelImportException(what + ": channel counts per resolution do not follow "
                        + "min(channel_base / res, channel_max): " + java.util.Arrays.toString(channels));
            }
        }
        return new ChannelLayout(base, max);
    }
}
