package ai.stylefarm.modelkit.importer;

import ai.stylefarm.modelkit.ModelImportException;
import ai.stylefarm.modelkit.stylegan.GeneratorConfig;
import ai.stylefarm.modelkit.stylegan.StateDict;
import ai.stylefarm.modelkit.stylegan.Tensor;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * rosinality/stylegan2-pytorch checkpoints ({@code .pt}): {@code g_ema} is a state dict in that project's naming,
 * {@code latent_avg} the mean w. Renamed here to NVIDIA's names, so one graph builder serves both. The two
 * implementations compute the same function: equalised-lr linear layers, a modulated conv whose weight scale
 * cancels under demodulation, noise × strength before bias and lrelu×√2, a stride-2 transposed conv plus the
 * [1,3,3,1] blur, and the skip toRGB with the same upsampling; rosinality has no activation clamp.
 */
final class RosinalityImporter {
    static final String FORMAT = "rosinality";
    /** rosinality's Generator default (lr_mlp); the checkpoint does not record it. */
    private static final double LR_MLP = 0.01;

    private RosinalityImporter() {}

    static ImportedGenerator readZip(Path file, String sha256) {
        String what = file.getFileName().toString();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            return fromCheckpoint(TorchZipFormat.read(zip, what, TorchGlobals.rosinalityCheckpoint()), what, sha256);
        } catch (ZipException e) {
            throw new ModelImportException(what + ": the zip archive is truncated or corrupt (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new ModelImportException(what + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** A checkpoint in torch's legacy (pre-1.6) format, whose first pickle was already recognised as the magic. */
    static ImportedGenerator readLegacy(Path file, String sha256) {
        String what = file.getFileName().toString();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return fromCheckpoint(LegacyTorchFormat.read(in, what, TorchGlobals.rosinalityCheckpoint()), what, sha256);
        } catch (IOException e) {
            throw new ModelImportException(what + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static ImportedGenerator fromCheckpoint(Object root, String what, String sha256) {
        if (!(root instanceof Map<?, ?> ckpt)) {
            throw new ModelImportException(what + ": expected a checkpoint dict with g_ema, found "
                    + LegacyTorchFormat.describe(root));
        }
        if (!(ckpt.get("g_ema") instanceof Map<?, ?> gEma)) {
            throw new ModelImportException(what + ": missing key 'g_ema': the checkpoint has "
                    + new TreeSet<>(ckpt.keySet().stream().map(String::valueOf).toList())
                    + "; a rosinality checkpoint for rendering must contain g_ema and latent_avg");
        }
        if (!(ckpt.get("latent_avg") instanceof TorchTensor latentAvg)) {
            throw new ModelImportException(what + ": missing key 'latent_avg' (the mean w that truncation needs); "
                    + "checkpoints written by rosinality's convert_weight.py have it");
        }
        Map<String, TorchTensor> src = new LinkedHashMap<>();
        gEma.forEach((k, v) -> {
            if (v instanceof TorchTensor t) {
                src.put(String.valueOf(k), t);
            }
        });
        Function<String, Tensor> get = key -> {
            TorchTensor t = src.get(key);
            if (t == null) {
                throw new ModelImportException(what + ": missing key '" + key + "' in g_ema");
            }
            return t.toFloat32(key);
        };
        int blocks = 1;
        while (src.containsKey("to_rgbs." + (blocks - 1) + ".conv.weight")) {
            blocks++;
        }
        int res = 4 << (blocks - 1);
        int mappingLayers = 0;
        while (src.containsKey("style." + (mappingLayers + 1) + ".weight")) {
            mappingLayers++;
        }
        if (mappingLayers == 0 || !src.containsKey("input.input")) {
            throw new ModelImportException(what + ": g_ema is not a rosinality StyleGAN2 generator (no style.1.weight "
                    + "or input.input); found keys like " + src.keySet().stream().limit(5).toList());
        }
        Map<String, Tensor> sd = new LinkedHashMap<>();
        for (int i = 0; i < mappingLayers; i++) {
            sd.put("mapping.fc" + i + ".weight", get.apply("style." + (i + 1) + ".weight"));
            sd.put("mapping.fc" + i + ".bias", get.apply("style." + (i + 1) + ".bias"));
        }
        Tensor wAvg = latentAvg.toFloat32("latent_avg");
        sd.put("mapping.w_avg", wAvg.reshape(wAvg.data().length));
        Tensor constInput = get.apply("input.input"); // [1, C, 4, 4]
        sd.put("synthesis.b4.const", constInput.reshape(constInput.dim(1), 4, 4));
        Tensor fir = firFrom(src, what);
        int noiseIndex = 0;
        for (int b = 0; b < blocks; b++) {
            String dst = "synthesis.b" + (4 << b);
            int r = 4 << b;
            if (b == 0) {
                conv(get, "conv1", dst + ".conv1", "noises.noise_" + noiseIndex++, r, sd);
                torgb(get, "to_rgb1", dst + ".torgb", sd);
            } else {
                conv(get, "convs." + (2 * b - 2), dst + ".conv0", "noises.noise_" + noiseIndex++, r, sd);
                conv(get, "convs." + (2 * b - 1), dst + ".conv1", "noises.noise_" + noiseIndex++, r, sd);
                torgb(get, "to_rgbs." + (b - 1), dst + ".torgb", sd);
                sd.put(dst + ".conv0.resample_filter", fir);
            }
            sd.put(dst + ".conv1.resample_filter", fir);
            sd.put(dst + ".resample_filter", fir);
        }
        StateDict weights = new StateDict(sd);
        int wDim = sd.get("mapping.fc0.weight").dim(0);
        int zDim = sd.get("mapping.fc0.weight").dim(1);
        ChannelLayout layout = ChannelLayout.infer(ChannelLayout.fromWeights(weights, res), res, what);
        int imgChannels = sd.get("synthesis.b4.torgb.weight").dim(0);
        GeneratorConfig config;
        try {
            config = new GeneratorConfig(zDim, wDim, 0, mappingLayers, LR_MLP, res, imgChannels, layout.base(),
                    layout.max(), OptionalDouble.empty());
        } catch (IllegalArgumentException e) {
            throw new ModelImportException(what + ": unsupported generator config: " + e.getMessage(), e);
        }
        return new ImportedGenerator(config, weights,
                new ImportedGenerator.Provenance(FORMAT, what, sha256, "rosinality model.Generator"));
    }

    /** ModulatedConv2d + NoiseInjection + FusedLeakyReLU → NVIDIA's SynthesisLayer. */
    private static void conv(Function<String, Tensor> get, String src, String dst, String noise, int res,
                             Map<String, Tensor> sd) {
        Tensor w = get.apply(src + ".conv.weight"); // [1, O, I, 3, 3]
        sd.put(dst + ".weight", w.reshape(w.dim(1), w.dim(2), 3, 3));
        sd.put(dst + ".affine.weight", get.apply(src + ".conv.modulation.weight"));
        sd.put(dst + ".affine.bias", get.apply(src + ".conv.modulation.bias"));
        sd.put(dst + ".noise_strength", get.apply(src + ".noise.weight").reshape());
        sd.put(dst + ".bias", get.apply(src + ".activate.bias"));
        sd.put(dst + ".noise_const", get.apply(noise).reshape(res, res)); // [1, 1, R, R]
    }

    private static void torgb(Function<String, Tensor> get, String src, String dst, Map<String, Tensor> sd) {
        Tensor w = get.apply(src + ".conv.weight"); // [1, C, I, 1, 1]
        sd.put(dst + ".weight", w.reshape(w.dim(1), w.dim(2), 1, 1));
        sd.put(dst + ".affine.weight", get.apply(src + ".conv.modulation.weight"));
        sd.put(dst + ".affine.bias", get.apply(src + ".conv.modulation.bias"));
        Tensor bias = get.apply(src + ".bias"); // [1, C, 1, 1]
        sd.put(dst + ".bias", bias.reshape(bias.data().length));
    }

    /** rosinality stores the blur kernel pre-multiplied by upsample_factor² = 4; NVIDIA's filter sums to 1. */
    private static Tensor firFrom(Map<String, TorchTensor> src, String what) {
        TorchTensor blur = src.get("convs.0.conv.blur.kernel");
        if (blur == null) {
            return ai.stylefarm.modelkit.stylegan.ResampleFilter.standardTaps();
        }
        Tensor k = blur.toFloat32("convs.0.conv.blur.kernel");
        if (!k.hasShape(4, 4)) {
            throw new ModelImportException(what + ": blur kernel " + k.shapeString() + " is not 4x4");
        }
        return k.scaled(0.25f);
    }
}
