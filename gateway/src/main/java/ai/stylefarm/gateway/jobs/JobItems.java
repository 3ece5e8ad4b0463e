package ai.stylefarm.gateway.jobs;

import ai.stylefarm.schemas.CalibrateJobSpec;
import ai.stylefarm.schemas.GenerateJobSpec;
import ai.stylefarm.schemas.InterpolateJobSpec;
import ai.stylefarm.schemas.JobKind;
import ai.stylefarm.schemas.ProjectJobSpec;
import ai.stylefarm.schemas.StyleMixJobSpec;
import com.fasterxml.jackson.databind.JsonNode;

/** How many outputs a job will make (frames for a video), from its stored spec: the denominator of its progress. */
final class JobItems {
    private JobItems() {
    }

    static long count(String kind, JsonNode spec) {
        return switch (JobKind.of(kind)) {
            case GENERATE -> GenerateJobSpec.parse(spec).seeds().count();
            case STYLE_MIX -> StyleMixJobSpec.parse(spec).imageCount();
            case INTERPOLATE -> InterpolateJobSpec.parse(spec).frameCount();
            case PROJECT -> ProjectJobSpec.parse(spec).targets().size();
            case CALIBRATE -> CalibrateJobSpec.parse(spec).taskCount();
        };
    }
}
