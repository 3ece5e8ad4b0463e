package ai.stylefarm.cli;

import ai.stylefarm.modelkit.ModelKit;
import ai.stylefarm.modelkit.bundle.ModelBundle;
import ai.stylefarm.modelkit.bundle.ModelManifest;
import ai.stylefarm.modelkit.inference.GeneratorSession;
import ai.stylefarm.modelkit.inference.NoiseMode;
import ai.stylefarm.modelkit.inference.RenderOptions;
import ai.stylefarm.modelkit.inference.Renderer;
import ai.stylefarm.modelkit.inference.SeedRange;
import ai.stylefarm.modelkit.inference.SessionSettings;
import ai.stylefarm.modelkit.io.Pixels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The README's first command: a seeded demo model and 64 images from it, with nothing to install or configure.
 * The demo model is made once (the kit's random init) and reused from {@code .stylefarm/models/}.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Make the demo model (seeded random init) and render 64 seeds into ./farm-out/.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--config", defaultValue = "small64", description = "model config (default: ${DEFAULT-VALUE})")
    String config;

    @Option(names = "--seeds", defaultValue = "0-63", description = "seeds to render (default: ${DEFAULT-VALUE})")
    String seeds;

    @Option(names = "--out", defaultValue = "farm-out/demo", description = "output directory (default: ${DEFAULT-VALUE})")
    Path out;

    @Override
    public Integer call() throws IOException {
        Path modelDir = Path.of(".stylefarm", "models", "demo-" + config);
        ModelBundle bundle = Files.exists(modelDir.resolve(ModelManifest.FILE_NAME))
                ? ModelBundle.open(modelDir)
                : ModelKit.writeBundle(ModelKit.randomInit(config, 0), "demo-" + config, modelDir);
        ModelManifest m = bundle.manifest();
        long[] seedList = SeedRange.parse(seeds);
        Files.createDirectories(out);
        Progress progress = new Progress(seedList.length);
        try (GeneratorSession session = GeneratorSession.open(bundle, SessionSettings.defaults())) {
            new Renderer(session).render(seedList, new RenderOptions(1f, null, null, NoiseMode.CONST, 8), r -> {
                byte[] hwc = Pixels.toUint8Hwc(r.img(), 0, m.imgChannels(), m.resolution(), m.resolution());
                try {
                    Files.write(out.resolve(String.format("seed%04d.png", r.seed())),
                            Pixels.png(hwc, m.resolution(), m.resolution(), m.imgChannels()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                progress.advance();
            });
            progress.finish();
            System.out.printf("%d images (%dx%d, model %s, on %s) are in %s%n", seedList.length, m.resolution(),
                    m.resolution(), m.name(), session.device(), out.toAbsolutePath());
        }
        return 0;
    }
}
