package ai.stylefarm.modelkit.bundle;

import ai.stylefarm.modelkit.importer.ImportedGenerator;
import ai.stylefarm.modelkit.stylegan.GeneratorConfig;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * {@code model.json}: everything a worker needs to drive the graphs, and the checksums that pin them.
 *
 * @param files                sha256 of each other file in the bundle, by file name
 * @param projectionThreshold  a threshold carried by a bundle from elsewhere; the farm keeps the calibrated one
 *                             on the model's row instead, since a bundle's files are addressed by checksum
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ModelManifest(
        @JsonProperty("format_version") int formatVersion,
        @JsonProperty("name") String name,
        @JsonProperty("architecture") String architecture,
        @JsonProperty("z_dim") int zDim,
        @JsonProperty("w_dim") int wDim,
        @JsonProperty("c_dim") int cDim,
        @JsonProperty("num_ws") int numWs,
        @JsonProperty("resolution") int resolution,
        @JsonProperty("img_channels") int imgChannels,
        @JsonProperty("generator") Map<String, Object> generator,
        @JsonProperty("noise_inputs") List<NoiseSpec> noiseInputs,
        @JsonProperty("w_avg") float[] wAvg,
        @JsonProperty("provenance") Provenance provenance,
        @JsonProperty("files") Map<String, String> files,
        @JsonProperty("projection_threshold") Double projectionThreshold) {

    public static final int FORMAT_VERSION = 1;
    public static final String FILE_NAME = "model.json";

    /** A synthesis noise input: name and shape [N, 1, R, R] (N is the batch). */
    @JsonIgnoreProperties(value = "shape", allowGetters = true)
    public record NoiseSpec(@JsonProperty("name") String name, @JsonProperty("resolution") int resolution) {
        @JsonProperty("shape")
        public List<Object> shape() {
            return List.of("N", 1, resolution, resolution);
        }
    }

    public record Provenance(
            @JsonProperty("format") String format,
            @JsonProperty("source") String source,
            @JsonProperty("sha256") String sha256,
            @JsonProperty("class_name") String className) {
        static Provenance of(ImportedGenerator.Provenance p) {
            return new Provenance(p.format(), p.sourceName(), p.sha256(), p.className());
        }
    }

    @JsonIgnore
    public GeneratorConfig config() {
        return GeneratorConfig.fromJson(generator);
    }

    public ModelManifest withFiles(Map<String, String> newFiles) {
        return new ModelManifest(formatVersion, name, architecture, zDim, wDim, cDim, numWs, resolution, imgChannels,
                generator, noiseInputs, wAvg, provenance, newFiles, projectionThreshold);
    }
}
