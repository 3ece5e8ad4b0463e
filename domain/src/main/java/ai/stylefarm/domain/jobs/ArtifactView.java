package ai.stylefarm.domain.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One stored output of a job, with a presigned link that expires. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ArtifactView(long id, String key, String kind, Long seed, long bytes, String sha256, String url) {
}
