package ai.stylefarm.modelkit.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.stylefarm.modelkit.ModelKit;
import ai.stylefarm.modelkit.bundle.ModelBundle;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Style mixing against the plain render path: taking every layer from a column gives the column's own image. */
class StyleMixerTest {
    @TempDir
    Path tmp;

    @Test
    void takingEveryLayerFromTheColumnRendersTheColumnSeedAndFewerLayersChangeTheImage() {
        ModelBundle bundle = ModelKit.writeBundle(ModelKit.randomInit("tiny32", 5), "tiny", tmp);
        try (GeneratorSession session = GeneratorSession.open(bundle, SessionSettings.defaults())) {
            int numWs = bundle.manifest().numWs();
            StyleMixer mixer = new StyleMixer(session);
            Map<Long, float[]> ws = mixer.styles(List.of(11L, 42L), 0.7f, null);
            int[] all = IntStream.range(0, numWs).toArray();

            float[] allFromColumn = mixer.synthesize(List.of(mixer.mix(ws.get(11L), ws.get(42L), all)),
                    new long[] {11}, NoiseMode.CONST);
            Renderer.Rendered column = new Renderer(session).render(new long[] {42},
                    new RenderOptions(0.7f, null, null, NoiseMode.CONST, 1)).get(0);
            assertArrayEquals(column.ws(), ws.get(42L));
            assertArrayEquals(column.img(), allFromColumn);

            float[] coarse = mixer.synthesize(List.of(mixer.mix(ws.get(11L), ws.get(42L), new int[] {0, 1})),
                    new long[] {11}, NoiseMode.CONST);
            assertEquals(allFromColumn.length, coarse.length);
            assertFalse(Arrays.equals(allFromColumn, coarse));
            assertThrows(IllegalArgumentException.class, () -> mixer.mix(ws.get(11L), ws.get(42L), new int[] {numWs}));
        }
    }
}
