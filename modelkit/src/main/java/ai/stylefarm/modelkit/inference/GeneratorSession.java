package ai.stylefarm.modelkit.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.stylefarm.modelkit.bundle.ModelBundle;
import ai.stylefarm.modelkit.bundle.ModelManifest;
import ai.stylefarm.modelkit.stylegan.Tensor;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The mapping and synthesis graphs of one bundle, loaded into ONNX Runtime. Safe to share between rendering
 * threads ({@link RenderLanes}): ORT sessions take concurrent runs, and every call here has tensors of its own.
 */
public final class GeneratorSession implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(GeneratorSession.class.getName());

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final ModelManifest manifest;
    private final Map<String, Tensor> noiseConst;
    private final OrtSession mapping;
    private final OrtSession synthesis;
    private final String device;

    private GeneratorSession(ModelManifest manifest, Map<String, Tensor> noiseConst, OrtSession mapping,
                             OrtSession synthesis, String device) {
        this.manifest = manifest;
        this.noiseConst = noiseConst;
        this.mapping = mapping;
        this.synthesis = synthesis;
        this.device = device;
    }

    public static GeneratorSession open(ModelBundle bundle, SessionSettings settings) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        boolean cuda = wantsCuda(settings.device());
        OrtSession mapping = null;
        try (OrtSession.SessionOptions options = options(settings, cuda)) {
            mapping = env.createSession(bundle.file(ModelBundle.MAPPING).toString(), options);
            OrtSession synthesis = env.createSession(bundle.file(ModelBundle.SYNTHESIS).toString(), options);
            String device = cuda ? "cuda" : "cpu";
            LOG.info(() -> "model " + bundle.manifest().name() + " runs on " + device + " (ONNX Runtime)");
            return new GeneratorSession(bundle.manifest(), bundle.noiseConst(), mapping, synthesis, device);
        } catch (OrtException e) {
            closeQuietly(mapping);
            throw new IllegalStateException("ONNX Runtime could not load bundle " + bundle.dir() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Where sessions for {@code requested} will run, "cuda" or "cpu", without opening one: for logs at start.
     *
     * @throws IllegalStateException when CUDA is requested but this build has no CUDA provider
     */
    public static String resolveDevice(ExecutionDevice requested) {
        return wantsCuda(requested) ? "cuda" : "cpu";
    }

    static boolean wantsCuda(ExecutionDevice device) {
        boolean available = OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
        if (device == ExecutionDevice.CUDA && !available) {
            throw new IllegalStateException("device cuda requested, but this build of ONNX Runtime has no CUDA "
                    + "provider: build with -Pcuda (onnxruntime_gpu) and run on a machine with a GPU");
        }
        return device != ExecutionDevice.CPU && available;
    }

    static OrtSession.SessionOptions options(SessionSettings settings, boolean cuda) throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        o.setIntraOpNumThreads(settings.resolvedThreads());
        if (!settings.spinning()) {
            o.addConfigEntry("session.intra_op.allow_spinning", "0");
        }
        if (cuda) {
            o.addCUDA(0);
        }
        return o;
    }

    /** "cpu" or "cuda". */
    public String device() {
        return device;
    }

    public ModelManifest manifest() {
        return manifest;
    }

    /** z [n, z_dim] and c [n, c_dim] (null when c_dim is 0) → w [n, w_dim], untruncated. */
    public float[] map(float[] z, float[] c, int n) {
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            if (manifest.zDim() > 0) {
                inputs.put("z", tensor(z, n, manifest.zDim()));
            }
            if (manifest.cDim() > 0) {
                inputs.put("c", tensor(c, n, manifest.cDim()));
            }
            return runFloat(mapping, inputs, "w");
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    /**
     * z [n, z_dim] → ws [n, num_ws, w_dim], mapped with one class for all and truncated toward w_avg by ψ on every
     * layer, as style_mixing.py and gen_video.py make them.
     *
     * @param classIdx required for conditional models, null otherwise
     */
    public float[] mapTruncated(float[] z, int n, Integer classIdx, float psi) {
        if (manifest.cDim() > 0 && (classIdx == null || classIdx < 0 || classIdx >= manifest.cDim())) {
            throw new IllegalArgumentException("model " + manifest.name() + " is conditional with " + manifest.cDim()
                    + " classes: class_idx 0 to " + (manifest.cDim() - 1) + " is required");
        }
        float[] c = null;
        if (manifest.cDim() > 0) {
            c = new float[n * manifest.cDim()];
            for (int i = 0; i < n; i++) {
                c[i * manifest.cDim() + classIdx] = 1f;
            }
        }
        float[] w = map(z, c, n); // [n, w_dim]
        int wDim = manifest.wDim();
        int size = manifest.numWs() * wDim;
        float[] ws = new float[n * size];
        for (int i = 0; i < n; i++) {
            float[] wi = java.util.Arrays.copyOfRange(w, i * wDim, (i + 1) * wDim);
            System.arraycopy(Latents.broadcastTruncated(wi, manifest.wAvg(), manifest.numWs(), psi, null), 0, ws,
                    i * size, size);
        }
        return ws;
    }

    /**
     * ws [n, num_ws, w_dim] → img [n, C, H, W], raw generator output.
     *
     * @param seeds one per image; used only by {@link NoiseMode#RANDOM}
     */
    public float[] synthesize(float[] ws, int n, NoiseMode noiseMode, long[] seeds) {
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put("ws", tensor(ws, n, manifest.numWs(), manifest.wDim()));
            List<ModelManifest.NoiseSpec> specs = manifest.noiseInputs();
            NumpyRandomState[] streams = noiseMode == NoiseMode.RANDOM ? noiseStreams(seeds, n) : null;
            for (ModelManifest.NoiseSpec spec : specs) {
                inputs.put(spec.name(), tensor(noise(spec, n, noiseMode, streams), n, 1, spec.resolution(), spec.resolution()));
            }
            return runFloat(synthesis, inputs, "img");
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    private static NumpyRandomState[] noiseStreams(long[] seeds, int n) {
        if (seeds == null || seeds.length != n) {
            throw new IllegalArgumentException("random noise needs one seed per image");
        }
        NumpyRandomState[] streams = new NumpyRandomState[n];
        for (int i = 0; i < n; i++) {
            streams[i] = Latents.noiseStream(seeds[i]);
        }
        return streams;
    }

    private float[] noise(ModelManifest.NoiseSpec spec, int n, NoiseMode mode, NumpyRandomState[] streams) {
        int size = spec.resolution() * spec.resolution();
        float[] out = new float[n * size];
        switch (mode) {
            case NONE -> { }
            case CONST -> {
                float[] map = noiseConst.get(spec.name()).data();
                for (int i = 0; i < n; i++) {
                    System.arraycopy(map, 0, out, i * size, size);
                }
            }
            case RANDOM -> {
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < size; j++) {
                        out[i * size + j] = (float) streams[i].nextGaussian();
                    }
                }
            }
        }
        return out;
    }

    private OnnxTensor tensor(float[] data, long... shape) {
        try {
            return OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape);
        } catch (OrtException e) {
            throw new IllegalStateException("cannot create input tensor: " + e.getMessage(), e);
        }
    }

    private static float[] runFloat(OrtSession session, Map<String, OnnxTensor> inputs, String output) {
        try (OrtSession.Result result = session.run(inputs)) {
            OnnxTensor t = (OnnxTensor) result.get(output).orElseThrow();
            FloatBuffer buf = t.getFloatBuffer();
            float[] out = new float[buf.remaining()];
            buf.get(out);
            return out;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
        }
    }

    /** Declared input shapes of the synthesis graph (-1 for the dynamic batch), for bundle validation. */
    public Map<String, long[]> synthesisInputShapes() {
        return shapes(synthesis, true);
    }

    public Map<String, long[]> mappingInputShapes() {
        return shapes(mapping, true);
    }

    public Map<String, long[]> synthesisOutputShapes() {
        return shapes(synthesis, false);
    }

    private static Map<String, long[]> shapes(OrtSession session, boolean inputs) {
        try {
            Map<String, long[]> out = new HashMap<>();
            var infos = inputs ? session.getInputInfo() : session.getOutputInfo();
            infos.forEach((name, info) -> out.put(name, ((TensorInfo) info.getInfo()).getShape()));
            return out;
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        closeQuietly(mapping);
        closeQuietly(synthesis);
    }

    private static void closeQuietly(OrtSession s) {
        if (s != null) {
            try {
                s.close();
            } catch (OrtException e) {
                LOG.warning("closing ORT session: " + e.getMessage());
            }
        }
    }
}
