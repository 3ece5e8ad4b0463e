package ai.stylefarm.gateway.jobs;

import ai.stylefarm.schemas.GenerateJobSpec;
import ai.stylefarm.schemas.JobKind;
import com.fasterxml.jackson.databind.JsonNode;

/** How many outputs a job will make, from its stored spec: the denominator of its progress. */
final class JobItems {
    private JobItems() {
    }

    static long count(String kind, JsonNode spec) {
        if (JobKind.of(kind) == JobKind.GENERATE) {
            return GenerateJobSpec.parse(spec).seeds().count();
        }
        return 0;
    }
}
