package ai.stylefarm.schemas.documents;

import ai.stylefarm.schemas.NoiseMode;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Objects;

/**
 * One generated image: how it was made (seed, ψ, cutoff, class, noise mode, and z and w when asked) and, in the
 * manifest, where it is. Without the storage fields it is the sample's own {@code <key>.json} inside a webdataset
 * shard.
 *
 * @param z [z_dim], only when the job asked for latents
 * @param w [w_dim] (w is the same for every layer before style mixing), only when the job asked for latents
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"seed", "key", "member", "sha256", "bytes", "truncation_psi", "truncation_cutoff", "class_idx",
        "noise_mode", "z", "w"})
public record ImageLine(
        long seed,
        String key,
        String member,
        String sha256,
        Long bytes,
        double truncationPsi,
        Integer truncationCutoff,
        Integer classIdx,
        NoiseMode noiseMode,
        float[] z,
        float[] w) implements ManifestLine {

    public ImageLine {
        Objects.requireNonNull(noiseMode, "noise_mode");
        if ((key == null) != (sha256 == null) || (key == null) != (bytes == null)) {
            throw new IllegalArgumentException("key, sha256 and bytes come together");
        }
    }

    /** The description of a sample before it is stored. */
    public static ImageLine sample(long seed, double truncationPsi, Integer truncationCutoff, Integer classIdx,
                                   NoiseMode noiseMode, float[] z, float[] w) {
        return new ImageLine(seed, null, null, null, null, truncationPsi, truncationCutoff, classIdx, noiseMode, z, w);
    }

    /** This sample as stored: {@code member} is null outside a shard. */
    public ImageLine storedAt(String key, String member, String sha256, long bytes) {
        return new ImageLine(seed, key, member, sha256, bytes, truncationPsi, truncationCutoff, classIdx, noiseMode, z,
                w);
    }
}
