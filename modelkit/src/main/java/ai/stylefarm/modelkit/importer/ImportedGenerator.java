package ai.stylefarm.modelkit.importer;

import ai.stylefarm.modelkit.stylegan.GeneratorConfig;
import ai.stylefarm.modelkit.stylegan.StateDict;

/**
 * A generator read from a model file, before it becomes a bundle.
 *
 * @param config     hyper-parameters, taken from the file where it records them and checked against the weights
 * @param weights    G_ema's parameters and buffers under NVIDIA's state-dict names
 * @param provenance where it came from
 */
public record ImportedGenerator(GeneratorConfig config, StateDict weights, Provenance provenance) {

    /**
     * @param format     {@code nvidia-pickle}, {@code rosinality} or {@code random-init}
     * @param sourceName file name (or init recipe) it was made from
     * @param sha256     hex sha256 of the source file; for random init, of the recipe string
     * @param className  the generator's class as recorded in the source, e.g. {@code training.networks.Generator}
     */
    public record Provenance(String format, String sourceName, String sha256, String className) {}
}
