package ai.stylefarm.modelkit.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stylefarm.modelkit.ModelKit;
import ai.stylefarm.modelkit.inference.GeneratorSession;
import ai.stylefarm.modelkit.inference.NoiseMode;
import ai.stylefarm.modelkit.inference.RenderOptions;
import ai.stylefarm.modelkit.inference.Renderer;
import ai.stylefarm.modelkit.inference.SessionSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RandomInitBundleTest {
    @TempDir
    Path tmp;

    @Test
    void sameSeedGivesTheSameBundleAndDifferentSeedsDiffer() throws Exception {
        ModelBundle a = ModelKit.writeBundle(ModelKit.randomInit("tiny32", 1), "a", tmp.resolve("a"));
        ModelBundle b = ModelKit.writeBundle(ModelKit.randomInit("tiny32", 1), "a", tmp.resolve("b"));
        ModelBundle c = ModelKit.writeBundle(ModelKit.randomInit("tiny32", 2), "a", tmp.resolve("c"));
        assertEquals(a.manifest().files(), b.manifest().files());
        assertNotEquals(a.manifest().files(), c.manifest().files());
        assertEquals(8, a.manifest().numWs());
        assertEquals(7, a.manifest().noiseInputs().size());
    }

    @Test
    void renderingIsDeterministicPerSeedAndIndependentOfBatching() {
        ModelBundle bundle = ModelKit.writeBundle(ModelKit.randomInit("tiny32", 3), "m", tmp.resolve("m"));
        try (GeneratorSession s = GeneratorSession.open(bundle, SessionSettings.defaults())) {
            Renderer r = new Renderer(s);
            List<Renderer.Rendered> batched = r.render(new long[] {5, 6, 7}, new RenderOptions(0.7f, null, null, NoiseMode.RANDOM, 3));
            List<Renderer.Rendered> single = r.render(new long[] {6}, new RenderOptions(0.7f, null, null, NoiseMode.RANDOM, 1));
            float[] x = batched.get(1).img();
            float[] y = single.get(0).img();
            double max = 0;
            for (int i = 0; i < x.length; i++) {
                max = Math.max(max, Math.abs(x[i] - y[i]));
            }
            assertTrue(max < 1e-5, "batch vs single max diff " + max);
            assertArrayEquals(batched.get(1).ws(), single.get(0).ws());
        }
    }

    @Test
    void aTamperedGraphIsRejectedNamingTheFile() throws Exception {
        ModelBundle bundle = ModelKit.writeBundle(ModelKit.randomInit("tiny32", 4), "m", tmp.resolve("m"));
        Files.write(bundle.file(ModelBundle.SYNTHESIS), new byte[] {1}, StandardOpenOption.APPEND);
        BundleException e = assertThrows(BundleException.class, () -> ModelBundle.open(bundle.dir()));
        assertTrue(e.getMessage().contains("checksum mismatch") && e.getMessage().contains("synthesis.onnx"), e.getMessage());
    }

    @Test
    void aMissingFileOrManifestIsRejected() throws Exception {
        ModelBundle bundle = ModelKit.writeBundle(ModelKit.randomInit("tiny32", 4), "m", tmp.resolve("m"));
        Files.delete(bundle.file(ModelBundle.NOISE_CONST));
        assertTrue(assertThrows(BundleException.class, () -> ModelBundle.open(bundle.dir()))
                .getMessage().contains("noise_const.npz"));
        assertTrue(assertThrows(BundleException.class, () -> ModelBundle.open(tmp.resolve("nothing")))
                .getMessage().contains("not a model bundle"));
    }

    @Test
    void aManifestThatDisagreesWithTheGraphFailsValidation() throws Exception {
        ModelBundle bundle = ModelKit.writeBundle(ModelKit.randomInit("tiny32", 4), "m", tmp.resolve("m"));
        ModelManifest m = bundle.manifest();
        ModelManifest lying = new ModelManifest(m.formatVersion(), m.name(), m.architecture(), m.zDim(), m.wDim(),
                m.cDim(), m.numWs(), 64, m.imgChannels(), m.generator(), m.noiseInputs(), m.wAvg(), m.provenance(),
                m.files(), null);
        BundleWriter.writeManifest(bundle.dir(), lying);
        assertTrue(assertThrows(BundleException.class, () -> ModelBundle.open(bundle.dir()))
                .getMessage().contains("img"));
    }
}
