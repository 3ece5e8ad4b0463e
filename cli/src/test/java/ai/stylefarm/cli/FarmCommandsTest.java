package ai.stylefarm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stylefarm.modelkit.io.Npy;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The documented commands, run through the same picocli entry point as ./farm. */
class FarmCommandsTest {
    private static final Path FIXTURE = Path.of("../modelkit/src/test/resources/fixtures/stylegan2-ada-A");

    @TempDir
    Path tmp;

    @Test
    void importThenRenderWritesGeneratePysPngsForTheSameSeeds() throws Exception {
        Path bundle = tmp.resolve("bundle");
        assertEquals(0, run("models", "import", FIXTURE.resolve("network-snapshot.pkl").toString(),
                "--out", bundle.toString(), "--name", "ada-A"));
        assertEquals(0, run("render", "--bundle", bundle.toString(), "--seeds", "0-3,7", "--out", tmp.resolve("png").toString()));

        Npy.Array official;
        try (InputStream in = Files.newInputStream(FIXTURE.resolve("img_psi1_const_uint8.npy"))) {
            official = Npy.read(in); // [8, 32, 32, 3]
        }
        int differing = 0;
        for (int seed : new int[] {0, 1, 2, 3, 7}) {
            BufferedImage png = ImageIO.read(tmp.resolve(String.format("png/seed%04d.png", seed)).toFile());
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    int rgb = png.getRGB(x, y);
                    int base = ((seed * 32 + y) * 32 + x) * 3;
                    for (int c = 0; c < 3; c++) {
                        int ours = (rgb >> (16 - 8 * c)) & 0xff;
                        int theirs = official.data()[base + c] & 0xff;
                        assertTrue(Math.abs(ours - theirs) <= 1, "seed " + seed + " at " + x + "," + y);
                        differing += ours != theirs ? 1 : 0;
                    }
                }
            }
        }
        assertTrue(differing <= 2, differing + " boundary pixels differ");
        assertTrue(Files.notExists(tmp.resolve("png/seed0004.png")));
    }

    @Test
    void npyFormatWritesTheRawBatchAsFloat32Nchw() throws Exception {
        Path bundle = tmp.resolve("bundle");
        run("models", "init", "--config", "tiny32", "--seed", "5", "--out", bundle.toString());
        assertEquals(0, run("render", "--bundle", bundle.toString(), "--seeds", "3-5", "--format", "npy",
                "--trunc", "0.5", "--noise-mode", "random", "--out", tmp.resolve("npy").toString()));
        try (InputStream in = Files.newInputStream(tmp.resolve("npy/img.npy"))) {
            Npy.Array a = Npy.read(in);
            assertEquals("f4", a.dtype());
            assertEquals(java.util.List.of(3, 3, 32, 32), java.util.Arrays.stream(a.shape()).boxed().toList());
        }
    }

    @Test
    void benchPrintsOneLinePerBatchSize() {
        Path bundle = tmp.resolve("bundle");
        run("models", "init", "--config", "tiny32", "--seed", "1", "--out", bundle.toString());
        String out = CliRun.of("bench", "--bundle", bundle.toString(), "--batch", "1,2", "--seconds", "0.2").out();
        assertTrue(out.matches("(?s).*batch 1: [0-9.]+ images/s.*batch 2: [0-9.]+ images/s.*"), out);
    }

    @Test
    void badInputIsOneReadableErrorAndANonZeroExit() {
        CliRun render = CliRun.of("render", "--bundle", tmp.toString(), "--seeds", "0-3", "--out",
                tmp.resolve("o").toString());
        assertEquals(2, render.exit());
        assertTrue(render.err().contains("not a model bundle"), render.err());
        CliRun init = CliRun.of("models", "init", "--config", "nope", "--out", tmp.toString());
        assertEquals(2, init.exit());
        assertTrue(init.err().contains("unknown config 'nope'"), init.err());
    }

    private static int run(String... args) {
        return Farm.commandLine().execute(args);
    }
}
