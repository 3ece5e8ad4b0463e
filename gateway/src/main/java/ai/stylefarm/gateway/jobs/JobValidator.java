package ai.stylefarm.gateway.jobs;

import ai.stylefarm.domain.jobs.JobRepository;
import ai.stylefarm.domain.jobs.NewJob;
import ai.stylefarm.domain.kinds.Accepted;
import ai.stylefarm.domain.kinds.JobType;
import ai.stylefarm.domain.kinds.Submission;
import ai.stylefarm.domain.models.ModelRepository;
import ai.stylefarm.domain.models.ModelView;
import ai.stylefarm.domain.uploads.UploadRepository;
import ai.stylefarm.gateway.api.ApiException;
import ai.stylefarm.gateway.api.Problem;
import ai.stylefarm.schemas.JobKind;
import ai.stylefarm.schemas.JobMessage;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Checks a {@code POST /v1/jobs} body completely before anything is stored, and collects every problem with the
 * field it concerns: the envelope ({@code kind}, {@code model}, {@code priority}), the kind's spec (via its
 * record in the schemas module) and what only the model can answer (class index, truncation cutoff).
 */
@ApplicationScoped
public class JobValidator {
    private static final Set<String> ENVELOPE = Set.of("kind", "model", "priority", "spec");

    private final ModelRepository models;
    private final JobRepository jobs;
    private final UploadRepository uploads;

    public JobValidator(ModelRepository models, JobRepository jobs, UploadRepository uploads) {
        this.models = models;
        this.jobs = jobs;
        this.uploads = uploads;
    }

    /** @param admin whether the caller is an admin, who alone may calibrate a shared model */
    public NewJob validate(JsonNode body, String tenant, boolean admin, String idempotencyKey) {
        List<Problem.FieldError> errors = new ArrayList<>();
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!ENVELOPE.contains(name)) {
                errors.add(new Problem.FieldError(name, "unknown field; a job has kind, model, priority and spec"));
            }
        }
        JobKind kind = kind(body.get("kind"), errors);
        int priority = priority(body.get("priority"), errors);
        ModelView model = model(body.get("model"), tenant, errors);
        JsonNode spec = body.get("spec");
        Accepted accepted = null;
        if (spec == null || !spec.isObject()) {
            errors.add(new Problem.FieldError("spec", "is required and must be a JSON object"));
        } else if (kind != null) {
            Submission submission = new Submission(tenant, admin, model, models, uploads, jobs);
            accepted = JobType.of(kind).accept(spec, submission);
            submission.errors().forEach(e -> errors.add(new Problem.FieldError(e.field(), e.message())));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        return new NewJob(tenant, kind, model.id(), model.key(), priority, accepted.spec(), accepted.items(),
                accepted.outputs(), accepted.uploads(), idempotencyKey);
    }

    private static JobKind kind(JsonNode node, List<Problem.FieldError> errors) {
        if (node == null || node.isNull()) {
            errors.add(new Problem.FieldError("kind", "is required, e.g. \"generate\""));
            return null;
        }
        JobKind kind;
        try {
            kind = JobKind.of(node.isTextual() ? node.textValue() : node.toString());
        } catch (IllegalArgumentException e) {
            errors.add(new Problem.FieldError("kind", e.getMessage()));
            return null;
        }
        return kind;
    }

    /** Named priorities, for people; numbers 0 to 9 work too. */
    public static final java.util.Map<String, Integer> PRIORITY_NAMES = java.util.Map.of("interactive", 8, "normal",
            JobMessage.DEFAULT_PRIORITY, "bulk", 2);

    /** A priority by name or number; problems are added to {@code errors}. */
    public static int priority(JsonNode node, List<Problem.FieldError> errors) {
        if (node == null || node.isNull()) {
            return JobMessage.DEFAULT_PRIORITY;
        }
        if (node.isTextual()) {
            Integer named = PRIORITY_NAMES.get(node.textValue());
            if (named == null) {
                errors.add(new Problem.FieldError("priority", "must be interactive, normal, bulk, or an integer from "
                        + JobMessage.MIN_PRIORITY + " to " + JobMessage.MAX_PRIORITY));
                return JobMessage.DEFAULT_PRIORITY;
            }
            return named;
        }
        // Compared as the exact integer: 2^70 must not wrap to a valid priority.
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < JobMessage.MIN_PRIORITY
                || node.intValue() > JobMessage.MAX_PRIORITY) {
            errors.add(new Problem.FieldError("priority", "must be interactive, normal, bulk, or an integer from "
                    + JobMessage.MIN_PRIORITY + " to " + JobMessage.MAX_PRIORITY + " (higher runs first)"));
            return JobMessage.DEFAULT_PRIORITY;
        }
        return node.intValue();
    }

    private ModelView model(JsonNode node, String tenant, List<Problem.FieldError> errors) {
        if (node == null || !node.isTextual() || node.textValue().isBlank()) {
            errors.add(new Problem.FieldError("model", "is required: the id of a registered model (GET /v1/models)"));
            return null;
        }
        String id = node.textValue();
        ModelView model = id.length() > 64 ? null : models.find(id, tenant).orElse(null);
        if (model == null) {
            errors.add(new Problem.FieldError("model", "unknown model '" + Problem.quote(id)
                    + "'; GET /v1/models lists yours"));
            return null;
        }
        if (!model.isReady()) {
            errors.add(new Problem.FieldError("model", "model '" + id + "' is " + model.state() + ", not READY"));
            return null;
        }
        return model;
    }
}
