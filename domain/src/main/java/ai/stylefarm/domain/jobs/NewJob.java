package ai.stylefarm.domain.jobs;

import ai.stylefarm.schemas.JobKind;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.UUID;

/**
 * A validated submission: the normalised spec as it will be stored and published.
 *
 * @param modelSlug the model's id as the tenant named it
 * @param modelKey  the model's internal key, which the job row and its messages carry
 * @param items     images the job renders (frames × grid cells for a video): what quotas count
 * @param outputs   what its progress counts: images, or a video's frames, or projection targets
 * @param uploads   the uploads the job reads, held until it is stored so that none is deleted in between
 */
public record NewJob(String tenant, JobKind kind, String modelSlug, String modelKey, int priority, ObjectNode spec,
                     long items, long outputs, List<UUID> uploads, String idempotencyKey) {
    public NewJob {
        uploads = List.copyOf(uploads);
    }
}
