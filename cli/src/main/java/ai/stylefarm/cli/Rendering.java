package ai.stylefarm.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Option;

/** How images are rendered, the options generate, style-mix and interpolate share (generate.py's flags). */
final class Rendering {
    @Option(names = "--trunc", description = "truncation psi (default 1)")
    Double psi;

    @Option(names = "--class", description = "class index, for conditional models")
    Integer classIdx;

    @Option(names = "--noise-mode", description = "const (default), random or none")
    String noiseMode;

    /** Writes the options given into a job spec; those left out take the farm's defaults. */
    void into(ObjectNode spec) {
        if (psi != null) {
            spec.put("truncation_psi", psi);
        }
        if (classIdx != null) {
            spec.put("class_idx", classIdx);
        }
        if (noiseMode != null) {
            spec.put("noise_mode", noiseMode);
        }
    }
}
