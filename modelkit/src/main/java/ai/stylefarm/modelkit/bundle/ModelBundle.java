package ai.stylefarm.modelkit.bundle;

import ai.stylefarm.modelkit.inference.GeneratorSession;
import ai.stylefarm.modelkit.inference.NoiseMode;
import ai.stylefarm.modelkit.inference.SessionSettings;
import ai.stylefarm.modelkit.io.Hashing;
import ai.stylefarm.modelkit.io.Npz;
import ai.stylefarm.modelkit.stylegan.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * A model bundle on disk: {@code model.json}, {@code mapping.onnx}, {@code synthesis.onnx},
 * {@code noise_const.npz} (the stored noise maps that noise mode {@code const} feeds) and
 * {@code projection_step.onnx}.
 */
public final class ModelBundle {
    public static final String MAPPING = "mapping.onnx";
    public static final String SYNTHESIS = "synthesis.onnx";
    public static final String NOISE_CONST = "noise_const.npz";
    /** Synthesis forward plus its gradient, for projection; bundles made before projection existed lack it. */
    public static final String PROJECTION_STEP = "projection_step.onnx";
    private static final java.util.regex.Pattern FILE_NAME = java.util.regex.Pattern.compile("[a-z0-9_]+\\.(onnx|npz)");

    private final Path dir;
    private final ModelManifest manifest;

    private ModelBundle(Path dir, ModelManifest manifest) {
        this.dir = dir;
        this.manifest = manifest;
    }

    /**
     * Opens and validates a bundle: the manifest parses, every file is present with the recorded sha256, the graphs'
     * inputs and outputs have the manifest's shapes, and one image renders to finite values.
     */
    public static ModelBundle open(Path dir) {
        ModelBundle bundle = openUnverifiedRender(dir);
        bundle.smokeRender();
        return bundle;
    }

    /** Like {@link #open} but without the smoke render, for tools that only read the manifest. */
    public static ModelBundle openUnverifiedRender(Path dir) {
        ModelManifest manifest = readManifest(dir);
        for (Map.Entry<String, String> f : manifest.files().entrySet()) {
            Path file = dir.resolve(f.getKey());
            if (!Files.isRegularFile(file)) {
                throw new BundleException("bundle file missing: " + file);
            }
            String actual = Hashing.sha256(file);
            if (!actual.equals(f.getValue())) {
                throw new BundleException("checksum mismatch for " + file + ": model.json says " + f.getValue()
                        + ", file has " + actual);
            }
        }
        return new ModelBundle(dir, manifest);
    }

    /** Reads and checks {@code model.json} alone: its format and that it lists the required files. */
    public static ModelManifest readManifest(Path dir) {
        Path manifestFile = dir.resolve(ModelManifest.FILE_NAME);
        if (!Files.isRegularFile(manifestFile)) {
            throw new BundleException("not a model bundle: " + manifestFile + " does not exist");
        }
        ModelManifest manifest;
        try {
            manifest = Json.MAPPER.readValue(manifestFile.toFile(), ModelManifest.class);
        } catch (IOException e) {
            throw new BundleException("unreadable " + manifestFile + ": " + e.getMessage(), e);
        }
        if (manifest.formatVersion() != ModelManifest.FORMAT_VERSION) {
            throw new BundleException("bundle format " + manifest.formatVersion() + " is not supported (expected "
                    + ModelManifest.FORMAT_VERSION + ")");
        }
        for (String required : new String[] {MAPPING, SYNTHESIS, NOISE_CONST}) {
            if (manifest.files() == null || !manifest.files().containsKey(required)) {
                throw new BundleException("model.json lists no checksum for " + required);
            }
        }
        for (String file : manifest.files().keySet()) {
            // Names become paths and storage keys: never let model.json reach outside its directory.
            if (!FILE_NAME.matcher(file).matches()) {
                throw new BundleException("model.json lists a file named '" + file + "'; bundle files are named like "
                        + SYNTHESIS);
            }
        }
        return manifest;
    }

    public boolean hasProjectionStep() {
        return manifest.files().containsKey(PROJECTION_STEP);
    }

    public Path dir() {
        return dir;
    }

    public ModelManifest manifest() {
        return manifest;
    }

    public Path file(String name) {
        return dir.resolve(name);
    }

    /** A checksum that changes whenever any file of the bundle changes: sha256 of model.json. */
    public String checksum() {
        return Hashing.sha256(file(ModelManifest.FILE_NAME));
    }

    public Map<String, Tensor> noiseConst() {
        try {
            return Npz.read(file(NOISE_CONST));
        } catch (IOException e) {
            throw new BundleException("unreadable " + file(NOISE_CONST) + ": " + e.getMessage(), e);
        }
    }

    private void smokeRender() {
        try {
            render();
        } catch (IllegalStateException e) {
            // ONNX Runtime refused a graph (not a valid model, wrong types, an operator it lacks): the bundle's fault.
            throw new BundleException("the bundle's graphs do not run in ONNX Runtime: " + e.getMessage(), e);
        }
    }

    private void render() {
        ModelManifest m = manifest;
        try (GeneratorSession session = GeneratorSession.open(this, SessionSettings.defaults())) {
            expectShape("synthesis input ws", session.synthesisInputShapes().get("ws"), -1, m.numWs(), m.wDim());
            for (ModelManifest.NoiseSpec spec : m.noiseInputs()) {
                expectShape("synthesis input " + spec.name(), session.synthesisInputShapes().get(spec.name()),
                        -1, 1, spec.resolution(), spec.resolution());
            }
            expectShape("synthesis output img", session.synthesisOutputShapes().get("img"),
                    -1, m.imgChannels(), m.resolution(), m.resolution());
            if (m.zDim() > 0) {
                expectShape("mapping input z", session.mappingInputShapes().get("z"), -1, m.zDim());
            }
            if (m.cDim() > 0) {
                expectShape("mapping input c", session.mappingInputShapes().get("c"), -1, m.cDim());
            }
            float[] c = m.cDim() > 0 ? new float[m.cDim()] : null;
            if (c != null) {
                c[0] = 1;
            }
            float[] w = session.map(new float[m.zDim()], c, 1);
            float[] ws = new float[m.numWs() * m.wDim()];
            for (int i = 0; i < m.numWs(); i++) {
                System.arraycopy(w, 0, ws, i * m.wDim(), m.wDim());
            }
            float[] img = session.synthesize(ws, 1, NoiseMode.CONST, new long[] {0});
            int expected = m.imgChannels() * m.resolution() * m.resolution();
            if (img.length != expected) {
                throw new BundleException("smoke render returned " + img.length + " values, expected " + expected);
            }
            for (float v : img) {
                if (!Float.isFinite(v)) {
                    throw new BundleException("smoke render of model " + m.name() + " produced non-finite pixels");
                }
            }
        }
    }

    private static void expectShape(String what, long[] actual, long... expected) {
        if (actual == null || !Arrays.equals(actual, expected)) {
            throw new BundleException(what + " has shape " + Arrays.toString(actual) + ", model.json implies "
                    + Arrays.toString(expected));
        }
    }
}
