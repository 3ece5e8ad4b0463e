package ai.stylefarm.modelkit.bundle;

import ai.stylefarm.modelkit.importer.ImportedGenerator;
import ai.stylefarm.modelkit.io.Hashing;
import ai.stylefarm.modelkit.io.Npz;
import ai.stylefarm.modelkit.onnx.Graph;
import ai.stylefarm.modelkit.onnx.OnnxReader;
import ai.stylefarm.modelkit.onnx.OnnxWriter;
import ai.stylefarm.modelkit.stylegan.GeneratorConfig;
import ai.stylefarm.modelkit.stylegan.ProjectionStep;
import ai.stylefarm.modelkit.stylegan.StyleGan2;
import ai.stylefarm.modelkit.stylegan.SynthesisNetwork;
import ai.stylefarm.modelkit.stylegan.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns an imported generator into a bundle directory, then opens it (which validates it). */
public final class BundleWriter {
    private BundleWriter() {}

    public static ModelBundle write(ImportedGenerator generator, String name, Path dir) {
        GeneratorConfig config = generator.config();
        StyleGan2 g = new StyleGan2(config, generator.weights());
        try {
            Files.createDirectories(dir);
            OnnxWriter.write(g.mappingGraph(), dir.resolve(ModelBundle.MAPPING));
            Graph synthesis = g.synthesisGraph();
            OnnxWriter.write(synthesis, dir.resolve(ModelBundle.SYNTHESIS));
            OnnxWriter.write(ProjectionStep.buildGraph(synthesis), dir.resolve(ModelBundle.PROJECTION_STEP));
            Map<String, Tensor> noise = new LinkedHashMap<>();
            for (SynthesisNetwork.NoiseInput n : g.noiseInputs()) {
                noise.put(n.name(), n.constMap());
            }
            Npz.write(dir.resolve(ModelBundle.NOISE_CONST), noise);

            Map<String, String> files = new LinkedHashMap<>();
            for (String f : List.of(ModelBundle.MAPPING, ModelBundle.SYNTHESIS, ModelBundle.NOISE_CONST,
                    ModelBundle.PROJECTION_STEP)) {
                files.put(f, Hashing.sha256(dir.resolve(f)));
            }
            List<ModelManifest.NoiseSpec> specs = g.noiseInputs().stream()
                    .map(n -> new ModelManifest.NoiseSpec(n.name(), n.resolution())).toList();
            ModelManifest manifest = new ModelManifest(ModelManifest.FORMAT_VERSION, name, "stylegan2",
                    config.zDim(), config.wDim(), config.cDim(), config.numWs(), config.resolution(),
                    config.imgChannels(), config.toJson(), specs, g.wAvg().data(),
                    ModelManifest.Provenance.of(generator.provenance()), files, null);
            writeManifest(dir, manifest);
        } catch (IOException e) {
            throw new UncheckedIOException("writing bundle to " + dir + ": " + e.getMessage(), e);
        }
        return ModelBundle.open(dir);
    }

    /**
     * Adds {@code projection_step.onnx} to a bundle made before projection existed, derived from the bundle's own
     * {@code synthesis.onnx}; a bundle that has one is left as it is. Returns the reopened bundle.
     */
    public static ModelBundle addProjectionStep(Path dir) {
        ModelBundle bundle = ModelBundle.open(dir);
        return bundle.hasProjectionStep() ? bundle : writeProjectionStep(bundle);
    }

    /**
     * Checks a bundle from elsewhere and (re)derives {@code projection_step.onnx} from its {@code synthesis.onnx},
     * replacing any step graph it came with, which nothing else could check. The graphs must parse and hold only
     * the kit's operators before ONNX Runtime sees them. Returns the reopened (smoke-rendered) bundle.
     */
    public static ModelBundle rebuildProjectionStep(Path dir) {
        ModelBundle unchecked = ModelBundle.openUnverifiedRender(dir);
        GraphOperators.check(readGraph(dir, ModelBundle.MAPPING), ModelBundle.MAPPING);
        Graph synthesis = readGraph(dir, ModelBundle.SYNTHESIS);
        GraphOperators.check(synthesis, ModelBundle.SYNTHESIS);
        Graph step;
        try {
            step = ProjectionStep.buildGraph(synthesis);
        } catch (RuntimeException e) {
            throw new BundleException(ModelBundle.SYNTHESIS + " cannot be differentiated for projection: "
                    + e.getMessage(), e);
        }
        return writeProjectionStep(unchecked, step);
    }

    /** A graph file of an untrusted bundle: anything that does not parse as the kit's ONNX is the bundle's fault. */
    private static Graph readGraph(Path dir, String file) {
        try {
            return OnnxReader.read(dir.resolve(file));
        } catch (IOException | RuntimeException e) {
            throw new BundleException(file + " is not a readable ONNX graph: " + e.getMessage(), e);
        }
    }

    private static ModelBundle writeProjectionStep(ModelBundle bundle) {
        try {
            return writeProjectionStep(bundle, ProjectionStep.buildGraph(OnnxReader.read(bundle.file(ModelBundle.SYNTHESIS))));
        } catch (IOException e) {
            throw new UncheckedIOException("upgrading bundle " + bundle.dir() + ": " + e.getMessage(), e);
        }
    }

    private static ModelBundle writeProjectionStep(ModelBundle bundle, Graph step) {
        Path dir = bundle.dir();
        try {
            OnnxWriter.write(step, dir.resolve(ModelBundle.PROJECTION_STEP));
            Map<String, String> files = new LinkedHashMap<>(bundle.manifest().files());
            files.put(ModelBundle.PROJECTION_STEP, Hashing.sha256(dir.resolve(ModelBundle.PROJECTION_STEP)));
            writeManifest(dir, bundle.manifest().withFiles(files));
        } catch (IOException e) {
            throw new UncheckedIOException("upgrading bundle " + dir + ": " + e.getMessage(), e);
        }
        return ModelBundle.open(dir);
    }

    static void writeManifest(Path dir, ModelManifest manifest) throws IOException {
        Json.MAPPER.writeValue(dir.resolve(ModelManifest.FILE_NAME).toFile(), manifest);
    }
}
