package ai.stylefarm.modelkit.projection;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stylefarm.modelkit.ModelKit;
import ai.stylefarm.modelkit.bundle.ModelBundle;
import ai.stylefarm.modelkit.importer.Importers;
import ai.stylefarm.modelkit.inference.ExecutionDevice;
import ai.stylefarm.modelkit.inference.GeneratorSession;
import ai.stylefarm.modelkit.inference.NoiseMode;
import ai.stylefarm.modelkit.inference.ProjectionSession;
import ai.stylefarm.modelkit.inference.RenderOptions;
import ai.stylefarm.modelkit.inference.Renderer;
import ai.stylefarm.modelkit.inference.SessionSettings;
import ai.stylefarm.modelkit.io.PillowResize;
import ai.stylefarm.modelkit.io.Pixels;
import ai.stylefarm.modelkit.testing.Fixtures;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The detection distance on the trained generator (fashion-mnist-32, bundled for the demo): the model's own image
 * made the way fakes are made (noise mode random, ψ 0.7, halved with a bilinear filter, saved as JPEG 80) lands
 * closer than a photograph, another generator's render and a flat grey image that the projection cannot move
 * towards. infra/bench/detection-bench.sh measures the same on whole sets.
 */
class DetectionDistanceTest {
    static final Path FASHION = Path.of("../cli/src/main/resources/demo/fashion-mnist-32/network-snapshot.pkl");
    static final int RES = 32;
    static final SessionSettings CPU = new SessionSettings(ExecutionDevice.CPU, 1);

    @TempDir
    static Path tmp;
    static ModelBundle bundle;
    static GeneratorSession generator;
    static LatentStats stats;

    @BeforeAll
    static void importTrainedGenerator() {
        bundle = ModelKit.writeBundle(Importers.importFile(FASHION), "fashion-mnist-32", tmp.resolve("fashion"));
        generator = GeneratorSession.open(bundle, CPU);
        stats = LatentStats.estimate(generator);
    }

    @AfterAll
    static void close() {
        generator.close();
    }

    @Test
    void ownImageRenderedWithRandomNoiseResizedAndJpegCompressedIsCloserThanAnyImageTheModelDidNotMake()
            throws IOException {
        byte[] own = Pixels.toUint8Hwc(new Renderer(generator).render(new long[] {424242},
                new RenderOptions(0.7f, null, null, NoiseMode.RANDOM, 1)).get(0).img(), 0, 1, RES, RES);
        byte[] half = PillowResize.resize(own, RES, RES, 1, RES / 2, RES / 2, PillowResize.Filter.BILINEAR);
        DetectionDistance ownDistance = project(TargetImage.decode(jpeg(half, RES / 2, 80), 1, RES));

        DetectionDistance photo = project(TargetImage.decode(resource("photos/photo-05.png"), 1, RES));
        DetectionDistance otherModel = project(TargetImage.decode(resource(Fixtures.ADA_A
                + "projection_target_seed3.png"), 1, RES));
        byte[] grey = new byte[RES * RES];
        Arrays.fill(grey, (byte) 128);
        DetectionDistance flat = project(TargetImage.prepare(grey, RES, RES, 1, RES));

        for (DetectionDistance negative : new DetectionDistance[] {photo, otherModel, flat}) {
            assertTrue(ownDistance.value() < negative.value(), "own " + ownDistance + " vs " + negative);
        }
        assertTrue(ownDistance.latent() < 1.6, "the model's own image projects to a typical latent: " + ownDistance);
    }

    private static DetectionDistance project(TargetImage target) {
        Map<String, float[]> constNoise = new LinkedHashMap<>();
        bundle.noiseConst().forEach((name, t) -> constNoise.put(name, t.data()));
        try (ProjectionSession s = ProjectionSession.open(bundle, CPU, target.raw())) {
            return new Projector(s, stats, constNoise).project(ProjectionOptions.defaults(), null).distance();
        }
    }

    private static byte[] jpeg(byte[] grey, int size, int quality) throws IOException {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
        System.arraycopy(grey, 0, ((DataBufferByte) image.getRaster().getDataBuffer()).getData(), 0, grey.length);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality / 100f);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = DetectionDistanceTest.class.getClassLoader().getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }
}
