package ai.stylefarm.modelkit.bundle;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stylefarm.modelkit.ModelKit;
import ai.stylefarm.modelkit.io.Hashing;
import ai.stylefarm.modelkit.onnx.Graph;
import ai.stylefarm.modelkit.onnx.OnnxReader;
import ai.stylefarm.modelkit.onnx.OnnxWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bundle from elsewhere (an uploaded zip) is checked before ONNX Runtime runs it: graphs that do not parse, or hold
 * operators the kit never emits, are refused as bad bundles, even when model.json's checksums match them.
 */
class ForeignBundleTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"tiny32", "small64", "cifar"})
    void theKitsOwnGraphsHoldOnlyAllowedOperators(String preset) throws Exception {
        ModelBundle bundle = ModelKit.writeBundle(ModelKit.randomInit(preset, 1), preset, tmp.resolve(preset));
        GraphOperators.check(OnnxReader.read(bundle.file(ModelBundle.MAPPING)), ModelBundle.MAPPING);
        GraphOperators.check(OnnxReader.read(bundle.file(ModelBundle.SYNTHESIS)), ModelBundle.SYNTHESIS);
        ModelKit.rebuildProjectionStep(bundle.dir());
    }

    @ParameterizedTest
    @ValueSource(strings = {ModelBundle.SYNTHESIS, ModelBundle.MAPPING})
    void aCorruptGraphWithAMatchingChecksumIsABadBundle(String file) throws Exception {
        ModelBundle bundle = ModelKit.writeBundle(ModelKit.randomInit("tiny32", 2), "t", tmp.resolve("corrupt"));
        byte[] graph = Files.readAllBytes(bundle.file(file));
        Files.write(bundle.file(file), java.util.Arrays.copyOf(graph, graph.length / 3));
        recordChecksum(bundle, file);
        BundleException e = assertThrows(BundleException.class, () -> ModelKit.rebuildProjectionStep(bundle.dir()));
        assertTrue(e.getMessage().contains(file), e.getMessage());
    }

    @Test
    void aGraphWithAnOperatorTheKitNeverEmitsIsRefusedBeforeItRuns() throws Exception {
        ModelBundle bundle = ModelKit.writeBundle(ModelKit.randomInit("tiny32", 3), "t", tmp.resolve("loop"));
        Graph synthesis = OnnxReader.read(bundle.file(ModelBundle.SYNTHESIS));
        synthesis.op("Loop", "forever", synthesis.int64Scalar("trips", Long.MAX_VALUE));
        OnnxWriter.write(synthesis, bundle.file(ModelBundle.SYNTHESIS));
        recordChecksum(bundle, ModelBundle.SYNTHESIS);
        BundleException e = assertThrows(BundleException.class, () -> ModelKit.rebuildProjectionStep(bundle.dir()));
        assertTrue(e.getMessage().contains("[Loop]"), e.getMessage());
    }

    private static void recordChecksum(ModelBundle bundle, String file) throws Exception {
        Map<String, String> files = new LinkedHashMap<>(bundle.manifest().files());
        files.put(file, Hashing.sha256(bundle.file(file)));
        BundleWriter.writeManifest(bundle.dir(), bundle.manifest().withFiles(files));
    }
}
