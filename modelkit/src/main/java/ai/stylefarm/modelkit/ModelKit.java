package ai.stylefarm.modelkit;

import ai.stylefarm.modelkit.bundle.BundleWriter;
import ai.stylefarm.modelkit.bundle.ModelBundle;
import ai.stylefarm.modelkit.importer.ImportedGenerator;
import ai.stylefarm.modelkit.io.Hashing;
import ai.stylefarm.modelkit.stylegan.ConfigPresets;
import ai.stylefarm.modelkit.stylegan.GeneratorConfig;
import ai.stylefarm.modelkit.stylegan.RandomInit;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The model kit's entry points: model files and init recipes in, validated bundles out. */
public final class ModelKit {
    private ModelKit() {}

    /** A seeded random generator for a named preset config (see {@link ConfigPresets}). */
    public static ImportedGenerator randomInit(String preset, long seed) {
        GeneratorConfig config = ConfigPresets.get(preset);
        String recipe = "random-init config=" + preset + " seed=" + seed;
        return new ImportedGenerator(config, RandomInit.weights(config, seed),
                new ImportedGenerator.Provenance("random-init", recipe,
                        Hashing.sha256(recipe.getBytes(StandardCharsets.UTF_8)), "training.networks.Generator"));
    }

    /** Brings a bundle made by an older kit up to date (adds the projection step graph). */
    public static ModelBundle upgradeBundle(Path dir) {
        return BundleWriter.addProjectionStep(dir);
    }

    /** Replaces a bundle's step graph with one derived from its own synthesis graph (bundles from elsewhere). */
    public static ModelBundle rebuildProjectionStep(Path dir) {
        return BundleWriter.rebuildProjectionStep(dir);
    }

    public static ModelBundle writeBundle(ImportedGenerator generator, String name, Path outDir) {
        return BundleWriter.write(generator, name, outDir);
    }
}
