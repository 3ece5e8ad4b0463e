package ai.stylefarm.modelkit.inference;

/**
 * How to turn seeds into images; defaults follow NVIDIA's generate.py.
 *
 * @param truncationPsi    ψ, 1 = no truncation
 * @param truncationCutoff truncate only the first this-many ws; null = all
 * @param classIdx         class label for conditional models; null for unconditional ones
 * @param noiseMode        what the noise inputs receive
 * @param batchSize        images per ONNX Runtime call
 */
public record RenderOptions(float truncationPsi, Integer truncationCutoff, Integer classIdx, NoiseMode noiseMode,
                            int batchSize) {
    public RenderOptions {
        if (!Float.isFinite(truncationPsi)) {
            throw new IllegalArgumentException("truncation_psi must be a finite number");
        }
        if (truncationCutoff != null && truncationCutoff < 0) {
            throw new IllegalArgumentException("truncation_cutoff must be non-negative");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1");
        }
    }

    public static RenderOptions defaults() {
        return new RenderOptions(1f, null, null, NoiseMode.CONST, 8);
    }
}
