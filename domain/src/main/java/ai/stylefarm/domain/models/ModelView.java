package ai.stylefarm.domain.models;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * A registered model as the API shows it; {@code tenant} is null for a model every tenant may use.
 *
 * @param id  the id its owner gave it, unique among the owner's models (two tenants may use the same)
 * @param key the internal key that jobs, task messages and the bucket ({@code models/{key}/}) use; never shown
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelView(String id, String tenant, String name, String state, String source, String bundleSha256,
                        Integer resolution, Integer zDim, Integer wDim, Integer cDim, Integer numWs,
                        Integer imgChannels, Double projectionThreshold, String error, Instant createdAt,
                        @JsonIgnore String key) {

    /** Whether jobs may use it. */
    @JsonIgnore
    public boolean isReady() {
        return ModelState.READY.name().equals(state);
    }
}
