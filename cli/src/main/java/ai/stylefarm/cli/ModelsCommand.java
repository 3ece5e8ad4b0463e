package ai.stylefarm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import picocli.CommandLine.Mixin;

import ai.stylefarm.modelkit.ModelKit;
import ai.stylefarm.modelkit.bundle.ModelBundle;
import ai.stylefarm.modelkit.importer.ImportedGenerator;
import ai.stylefarm.modelkit.importer.Importers;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "models", mixinStandardHelpOptions = true, description = "Register models with the farm, or make bundles locally.",
        subcommands = {ModelsCommand.Add.class, ModelsCommand.ListModels.class, ModelsCommand.Import.class,
                ModelsCommand.Init.class, ModelsCommand.Upgrade.class})
final class ModelsCommand {

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Register a model with the farm: a network pickle or rosinality checkpoint (imported by the "
                    + "gateway, never executed), or a bundle directory.")
    static final class Add implements Callable<Integer> {
        @Mixin
        FarmConnection farm;

        @Parameters(paramLabel = "FILE|DIR", description = "model file, or a bundle directory")
        Path source;

        @Option(names = "--id", description = "model id (default: from the file name)")
        String id;

        @Override
        public Integer call() throws IOException {
            String modelId = id != null ? id : slug(source.getFileName().toString());
            Path upload = Files.isDirectory(source) ? BundleZip.zip(source) : source;
            try {
                JsonNode model = farm.client().uploadModel(modelId, upload);
                System.out.printf("model %s registered: %dx%d, %s, bundle %s%n", model.path("id").asText(),
                        model.path("resolution").asInt(), model.path("resolution").asInt(), model.path("source").asText(),
                        model.path("bundle_sha256").asText());
            } finally {
                if (upload != source) {
                    Files.deleteIfExists(upload);
                }
            }
            return 0;
        }

        /** {@code network-snapshot-000123.pkl} becomes {@code network-snapshot-000123}. */
        static String slug(String fileName) {
            String base = fileName.replaceFirst("\\.[^.]*$", "").toLowerCase(java.util.Locale.ROOT)
                    .replaceAll("[^a-z0-9_-]+", "-").replaceAll("^[-_]+", "");
            return base.isEmpty() ? "model" : base.substring(0, Math.min(64, base.length()));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the models you can use.")
    static final class ListModels implements Callable<Integer> {
        @Mixin
        FarmConnection farm;

        @Override
        public Integer call() {
            System.out.printf("%-24s %-6s %-9s %-14s %-12s %s%n", "model", "state", "size", "source", "owner",
                    "detection threshold");
            for (JsonNode m : farm.client().models()) {
                JsonNode threshold = m.path("projection_threshold");
                System.out.printf(java.util.Locale.ROOT, "%-24s %-6s %-9s %-14s %-12s %s%n", m.path("id").asText(),
                        m.path("state").asText(), m.path("resolution").asInt() + "x" + m.path("resolution").asInt(),
                        m.path("source").asText(), m.path("tenant").asText("(shared)"), threshold.isNumber()
                                ? String.format(java.util.Locale.ROOT, "%.4g", threshold.asDouble())
                                : "uncalibrated");
            }
            return 0;
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Import an NVIDIA network pickle (stylegan2-ada-pytorch, stylegan3's StyleGAN2) or a "
                    + "rosinality .pt checkpoint into a bundle. Pickled code is never executed.")
    static final class Import implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "network-snapshot-*.pkl or rosinality .pt")
        Path file;

        @Option(names = "--out", required = true, description = "bundle directory to write")
        Path out;

        @Option(names = "--name", description = "model name (default: the file name without extension)")
        String name;

        @Override
        public Integer call() {
            ImportedGenerator g = Importers.importFile(file);
            String modelName = name != null ? name : file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
            ModelBundle bundle = ModelKit.writeBundle(g, modelName, out);
            Printing.bundleSummary(bundle);
            return 0;
        }
    }

    @Command(name = "init", mixinStandardHelpOptions = true,
            description = "Write a bundle with seeded random weights (official init rules), for tests and demos.")
    static final class Init implements Callable<Integer> {
        @Option(names = "--config", required = true,
                description = "tiny32, small64, cifar, paper256, paper512 or config-f")
        String config;

        @Option(names = "--seed", defaultValue = "0", description = "weights seed (default: ${DEFAULT-VALUE})")
        long seed;

        @Option(names = "--out", required = true, description = "bundle directory to write")
        Path out;

        @Option(names = "--name", description = "model name (default: <config>-seed<seed>)")
        String name;

        @Override
        public Integer call() {
            ImportedGenerator g = ModelKit.randomInit(config, seed);
            ModelBundle bundle = ModelKit.writeBundle(g, name != null ? name : config + "-seed" + seed, out);
            Printing.bundleSummary(bundle);
            return 0;
        }
    }

    @Command(name = "upgrade", mixinStandardHelpOptions = true,
            description = "Bring a bundle made by an older StyleFarm up to date: adds projection_step.onnx, derived"
                    + " from the bundle's own synthesis.onnx. A current bundle is left as it is.")
    static final class Upgrade implements Callable<Integer> {
        @Parameters(paramLabel = "DIR", description = "bundle directory")
        Path dir;

        @Override
        public Integer call() {
            boolean had = ModelBundle.openUnverifiedRender(dir).hasProjectionStep();
            ModelBundle bundle = ModelKit.upgradeBundle(dir);
            System.out.println(had ? dir + " is up to date" : "added " + ModelBundle.PROJECTION_STEP + " to " + dir);
            Printing.bundleSummary(bundle);
            return 0;
        }
    }
}
