package ai.stylefarm.cli;

import ai.stylefarm.modelkit.bundle.ModelBundle;
import ai.stylefarm.modelkit.bundle.ModelManifest;
import ai.stylefarm.modelkit.inference.ExecutionDevice;
import ai.stylefarm.modelkit.inference.GeneratorSession;
import ai.stylefarm.modelkit.inference.NoiseMode;
import ai.stylefarm.modelkit.inference.RenderOptions;
import ai.stylefarm.modelkit.inference.Renderer;
import ai.stylefarm.modelkit.inference.SeedRange;
import ai.stylefarm.modelkit.inference.SessionSettings;
import ai.stylefarm.modelkit.io.Npy;
import ai.stylefarm.modelkit.io.Pixels;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "render", mixinStandardHelpOptions = true,
        description = "Render seeds with a bundle, as NVIDIA's generate.py does (same z for the same seed).")
final class RenderCommand implements Callable<Integer> {
    enum Format { png, npy }

    @Option(names = "--bundle", required = true, description = "bundle directory")
    Path bundleDir;

    @Option(names = "--seeds", required = true, description = "e.g. 0-7 or 0-99,105,200-210")
    String seeds;

    @Option(names = "--trunc", defaultValue = "1", description = "truncation psi (default: ${DEFAULT-VALUE})")
    float psi;

    @Option(names = "--trunc-cutoff", description = "truncate only the first K ws (default: all)")
    Integer cutoff;

    @Option(names = "--class", description = "class index, for conditional models")
    Integer classIdx;

    @Option(names = "--noise-mode", defaultValue = "const", description = "const, random or none (default: ${DEFAULT-VALUE})")
    String noiseMode;

    @Option(names = "--format", defaultValue = "png",
            description = "png: seed%%04d.png per seed; npy: img.npy, float32 [N, C, H, W] raw output (default: ${DEFAULT-VALUE})")
    Format format;

    @Option(names = "--batch", defaultValue = "8", description = "images per ONNX Runtime call (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--device", defaultValue = "auto", description = "auto, cpu or cuda (default: ${DEFAULT-VALUE})")
    String device;

    @Option(names = "--out", required = true, description = "output directory")
    Path out;

    @Override
    public Integer call() throws IOException {
        long[] seedList = SeedRange.parse(seeds);
        RenderOptions options = new RenderOptions(psi, cutoff, classIdx, NoiseMode.parse(noiseMode), batch);
        ModelBundle bundle = ModelBundle.open(bundleDir);
        ModelManifest m = bundle.manifest();
        Files.createDirectories(out);
        try (GeneratorSession session = GeneratorSession.open(bundle,
                new SessionSettings(ExecutionDevice.parse(device), 0))) {
            int[] count = {0};
            if (format == Format.npy) {
                try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(out.resolve("img.npy")))) {
                    Npy.writeFloat32Header(o, new int[] {seedList.length, m.imgChannels(), m.resolution(), m.resolution()});
                    new Renderer(session).render(seedList, options, r -> {
                        write(o, Npy.littleEndian(r.img()));
                        count[0]++;
                    });
                }
            } else {
                new Renderer(session).render(seedList, options, r -> {
                    byte[] hwc = Pixels.toUint8Hwc(r.img(), 0, m.imgChannels(), m.resolution(), m.resolution());
                    write(out.resolve(String.format("seed%04d.png", r.seed())),
                            Pixels.png(hwc, m.resolution(), m.resolution(), m.imgChannels()));
                    count[0]++;
                });
            }
            System.out.printf("rendered %d image(s) on %s into %s%n", count[0], session.device(), out);
        }
        return 0;
    }

    private static void write(OutputStream o, byte[] bytes) {
        try {
            o.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, byte[] bytes) {
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file + ": " + e.getMessage(), e);
        }
    }
}
