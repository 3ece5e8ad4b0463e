package ai.stylefarm.modelkit.importer;

import ai.stylefarm.modelkit.ModelImportException;
import ai.stylefarm.modelkit.importer.PyValues.PyObject;
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
import net.razorvine.pickle.PickleException;

/**
 * NVIDIA network pickles ({@code network-snapshot-*.pkl}) of stylegan2-ada-pytorch and of stylegan3's StyleGAN2
 * config. Each network is a persistent object whose class is recorded by name with its module's source; the source
 * is never run. The module tree of {@code G_ema} is walked for parameters and buffers, and the config is taken from
 * the recorded attributes and checked against every weight's shape.
 */
final class NvidiaPickleImporter {
    static final String FORMAT = "nvidia-pickle";
    private static final String TF_NETWORK = "dnnlib.tflib.network.Network";

    private NvidiaPickleImporter() {}

    static ImportedGenerator read(Path file, String sha256) {
        String what = file.getFileName().toString();
        Object root;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            root = new RestrictedUnpickler(what, TorchGlobals.nvidiaSnapshot(what), null).load(in);
        } catch (RestrictedUnpickler.RefusedGlobalException e) {
            if (TF_NETWORK.equals(e.global)) {
                throw new ModelImportException(what + ": this is a TensorFlow network pickle (StyleGAN2 TF, "
                        + "dnnlib.tflib). Convert it to PyTorch first with NVIDIA's stylegan2-ada-pytorch: "
                        + "python legacy.py --source=" + what + " --dest=converted.pkl, then import converted.pkl.");
            }
            throw e;
        } catch (IOException | PickleException e) {
            throw LegacyTorchFormat.corrupt(what, e);
        }
        Map<?, ?> snapshot = root instanceof Map<?, ?> m ? m : null;
        if (snapshot == null) {
            throw new ModelImportException(what + ": expected a network snapshot dict with G_ema, found "
                    + LegacyTorchFormat.describe(root));
        }
        if (!(snapshot.get("G_ema") instanceof PyObject g)) {
            throw new ModelImportException(what + ": missing key 'G_ema': the snapshot has "
                    + new TreeSet<>(snapshot.keySet().stream().map(String::valueOf).toList())
                    + "; a network pickle for rendering must contain G_ema");
        }
        // G, D and the augment pipe are most of a snapshot: let them go before G_ema's weights are converted.
        root = null;
        snapshot = null;
        return fromGenerator(g, what, sha256);
    }

    private static ImportedGenerator fromGenerator(PyObject g, String what, String sha256) {
        if (!"Generator".equals(g.className)) {
            throw new ModelImportException(what + ": G_ema is a '" + g.className + "', expected a StyleGAN2 Generator");
        }
        PyObject synthesis = module(g, "synthesis", what);
        PyObject mapping = module(g, "mapping", what);
        if (synthesis.map("_modules").containsKey("input") || synthesis.moduleSource.contains("class SynthesisInput")) {
            throw new ModelImportException(what + ": this is a StyleGAN3 (alias-free, networks_stylegan3) generator, "
                    + "which the farm does not render. Supported: StyleGAN2 generators from stylegan2-ada-pytorch "
                    + "(training.networks) and stylegan3's StyleGAN2 config (networks_stylegan2).");
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        collect(g, "", tensors);
        StateDict sd = new StateDict(tensors);
        GeneratorConfig config = config(g, mapping, synthesis, sd, what);
        String className = g.moduleSource.contains("networks_stylegan2") ? "training.networks_stylegan2.Generator"
                : "training.networks.Generator";
        return new ImportedGenerator(config, sd, new ImportedGenerator.Provenance(FORMAT, what, sha256, className));
    }

    private static GeneratorConfig config(PyObject g, PyObject mapping, PyObject synthesis, StateDict sd, String what) {
        try {
            int res = PyValues.toInt(g.get("img_resolution"), "img_resolution");
            int wDim = PyValues.toInt(g.get("w_dim"), "w_dim");
            PyObject fc0 = module(mapping, "fc0", what);
            double lrMultiplier = PyValues.toDouble(fc0.get("bias_gain"), "mapping.fc0.bias_gain");
            int layers = PyValues.toInt(mapping.get("num_layers"), "mapping.num_layers");
            PyObject b4 = module(synthesis, "b4", what);
            Object arch = b4.get("architecture");
            for (Object block : synthesis.map("_modules").values()) {
                if (block instanceof PyObject b && b.get("architecture") != null && !"skip".equals(b.get("architecture"))) {
                    throw new ModelImportException(what + ": synthesis architecture '" + b.get("architecture")
                            + "' is not supported; only 'skip' (what StyleGAN2 config-e/f and stylegan2-ada use)");
                }
            }
            Object clamp = module(b4, "conv1", what).get("conv_clamp");
            int[] channels = ChannelLayout.fromWeights(sd, res);
            ChannelLayout layout = ChannelLayout.infer(channels, res, what);
            return new GeneratorConfig(
                    PyValues.toInt(g.get("z_dim"), "z_dim"), wDim, PyValues.toInt(g.get("c_dim"), "c_dim"),
                    layers, lrMultiplier, res, PyValues.toInt(g.get("img_channels"), "img_channels"),
                    layout.base(), layout.max(),
                    clamp == null ? OptionalDouble.empty() : OptionalDouble.of(PyValues.toDouble(clamp, "conv_clamp")));
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new ModelImportException(what + ": unsupported generator config: " + e.getMessage(), e);
        }
    }

    private static PyObject module(PyObject parent, String name, String what) {
        Object m = parent.map("_modules").get(name);
        if (!(m instanceof PyObject p)) {
            throw new ModelImportException(what + ": missing module '" + name + "' in " + parent.className);
        }
        return p;
    }

    /** Flattens a module tree into state-dict names, as torch's {@code state_dict()} does. */
    private static void collect(PyObject module, String prefix, Map<String, Tensor> out) {
        for (String kind : new String[] {"_parameters", "_buffers"}) {
            for (Map.Entry<Object, Object> e : module.map(kind).entrySet()) {
                if (e.getValue() instanceof TorchTensor t) {
                    String name = prefix + e.getKey();
                    out.put(name, t.toFloat32(name));
                }
            }
        }
        for (Map.Entry<Object, Object> e : module.map("_modules").entrySet()) {
            if (e.getValue() instanceof PyObject child) {
                collect(child, prefix + e.getKey() + ".", out);
            }
        }
    }
}
