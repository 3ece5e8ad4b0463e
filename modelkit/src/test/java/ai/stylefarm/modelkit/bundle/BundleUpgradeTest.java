package ai.stylefarm.modelkit.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stylefarm.modelkit.ModelKit;
import ai.stylefarm.modelkit.inference.ExecutionDevice;
import ai.stylefarm.modelkit.inference.ProjectionSession;
import ai.stylefarm.modelkit.inference.SessionSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bundles made before projection existed get their step graph from their own synthesis graph. */
class BundleUpgradeTest {
    private static final SessionSettings CPU = new SessionSettings(ExecutionDevice.CPU, 1);

    @TempDir
    Path tmp;

    @Test
    void aModelJsonThatNamesAFileOutsideTheBundleIsRefused() throws Exception {
        ModelBundle bundle = ModelKit.writeBundle(ModelKit.randomInit("tiny32", 4), "t", tmp.resolve("escape"));
        Map<String, String> files = new LinkedHashMap<>(bundle.manifest().files());
        files.put("../../etc/passwd.onnx", "0".repeat(64));
        BundleWriter.writeManifest(bundle.dir(), bundle.manifest().withFiles(files));
        BundleException e = assertThrows(BundleException.class, () -> ModelBundle.readManifest(bundle.dir()));
        assertTrue(e.getMessage().contains("../../etc/passwd.onnx"), e.getMessage());
    }

    @Test
    void aRebuiltStepGraphReplacesWhateverTheBundleCameWith() throws Exception {
        ModelBundle bundle = ModelKit.writeBundle(ModelKit.randomInit("tiny32", 4), "t", tmp.resolve("foreign"));
        String genuine = bundle.manifest().files().get(ModelBundle.PROJECTION_STEP);
        // A step graph from another model, with its checksum recorded: only rebuilding can tell.
        ModelBundle other = ModelKit.writeBundle(ModelKit.randomInit("tiny32", 5), "o", tmp.resolve("other"));
        Files.copy(other.file(ModelBundle.PROJECTION_STEP), bundle.file(ModelBundle.PROJECTION_STEP),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Map<String, String> files = new LinkedHashMap<>(bundle.manifest().files());
        files.put(ModelBundle.PROJECTION_STEP, other.manifest().files().get(ModelBundle.PROJECTION_STEP));
        BundleWriter.writeManifest(bundle.dir(), bundle.manifest().withFiles(files));
        assertEquals(genuine, ModelKit.rebuildProjectionStep(bundle.dir()).manifest().files()
                .get(ModelBundle.PROJECTION_STEP));
    }

    @Test
    void anOldBundleGainsAStepGraphThatComputesWhatAFreshBundlesDoes() throws Exception {
        ModelBundle fresh = ModelKit.writeBundle(ModelKit.randomInit("tiny32", 4), "t", tmp.resolve("fresh"));
        ModelBundle old = ModelKit.writeBundle(ModelKit.randomInit("tiny32", 4), "t", tmp.resolve("old"));
        Files.delete(old.file(ModelBundle.PROJECTION_STEP));
        Map<String, String> files = new LinkedHashMap<>(old.manifest().files());
        files.remove(ModelBundle.PROJECTION_STEP);
        BundleWriter.writeManifest(old.dir(), old.manifest().withFiles(files));
        ModelBundle reopened = ModelBundle.open(old.dir());
        assertFalse(reopened.hasProjectionStep());
        assertThrows(BundleException.class, () -> ProjectionSession.open(reopened, CPU, new float[3 * 32 * 32]));

        ModelBundle upgraded = ModelKit.upgradeBundle(old.dir());
        assertTrue(upgraded.hasProjectionStep());
        assertEquals(upgraded.checksum(), ModelKit.upgradeBundle(old.dir()).checksum(), "a second upgrade changes nothing");

        float[] target = new float[3 * 32 * 32];
        java.util.Arrays.fill(target, 0.25f);
        float[] ws = new float[8 * 64];
        for (int i = 0; i < ws.length; i++) {
            ws[i] = fresh.manifest().wAvg()[i % 64] + (i % 7) * 0.1f;
        }
        Map<String, float[]> noise = new LinkedHashMap<>();
        fresh.noiseConst().forEach((k, t) -> noise.put(k, t.data()));
        try (ProjectionSession a = ProjectionSession.open(fresh, CPU, target);
             ProjectionSession b = ProjectionSession.open(upgraded, CPU, target)) {
            var ra = a.step(ws, noise);
            var rb = b.step(ws, noise);
            assertEquals(ra.loss(), rb.loss());
            assertArrayEquals(ra.gradWs(), rb.gradWs());
            assertArrayEquals(ra.img(), rb.img());
        }
    }
}
