package ai.stylefarm.gateway.jobs;

import ai.stylefarm.schemas.JobKind;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A validated submission: the normalised spec as it will be stored and published. */
public record NewJob(String tenant, JobKind kind, String modelId, int priority, ObjectNode spec, long items,
                     String idempotencyKey) {
}
