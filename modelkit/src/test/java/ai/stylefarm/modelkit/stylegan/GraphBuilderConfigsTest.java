package ai.stylefarm.modelkit.stylegan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.stylefarm.modelkit.bundle.BundleWriter;
import ai.stylefarm.modelkit.bundle.ModelBundle;
import ai.stylefarm.modelkit.importer.ImportedGenerator;
import java.nio.file.Path;
import java.util.OptionalDouble;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The builder emits loadable, renderable graphs across the config space (bundle open runs a smoke render). */
class GraphBuilderConfigsTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "z{0} w{1} c{2} layers{3} res{4} ch{5} base{6} max{7} clamp{8}")
    @CsvSource({
            "8, 8, 0, 1, 4, 3, 64, 16, 256",
            "0, 16, 4, 2, 8, 1, 128, 32, ",
            "16, 24, 3, 3, 16, 3, 256, 24, 64",
            "32, 32, 0, 8, 128, 1, 2048, 32, "})
    void everyConfigBuildsAndRenders(int z, int w, int c, int layers, int res, int ch, int base, int max, Double clamp) {
        GeneratorConfig cfg = new GeneratorConfig(z, w, c, layers, 0.01, res, ch, base, max,
                clamp == null ? OptionalDouble.empty() : OptionalDouble.of(clamp));
        ImportedGenerator g = new ImportedGenerator(cfg, RandomInit.weights(cfg, 7),
                new ImportedGenerator.Provenance("random-init", "test", "0", "training.networks.Generator"));

        ModelBundle bundle = BundleWriter.write(g, "cfg", tmp.resolve("b"));

        assertEquals(cfg, bundle.manifest().config());
        assertEquals(2 * Integer.numberOfTrailingZeros(res) - 2, bundle.manifest().numWs());
    }

    @ParameterizedTest
    @CsvSource({"2048", "3", "0"})
    void resolutionsOutsideFourTo1024AreRejected(int res) {
        assertThrows(IllegalArgumentException.class, () -> new GeneratorConfig(8, 8, 0, 1, 0.01, res, 3, 64, 16,
                OptionalDouble.empty()));
    }
}
