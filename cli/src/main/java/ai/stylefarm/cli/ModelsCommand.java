package ai.stylefarm.cli;

import ai.stylefarm.modelkit.ModelKit;
import ai.stylefarm.modelkit.bundle.ModelBundle;
import ai.stylefarm.modelkit.importer.ImportedGenerator;
import ai.stylefarm.modelkit.importer.Importers;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "models", description = "Make model bundles from generator files or seeded random weights.",
        subcommands = {ModelsCommand.Import.class, ModelsCommand.Init.class})
final class ModelsCommand {

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
}
