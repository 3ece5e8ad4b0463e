package ai.stylefarm.gateway.api;

import ai.stylefarm.domain.jobs.ArtifactView;
import ai.stylefarm.domain.jobs.JobControls;
import ai.stylefarm.domain.jobs.JobFilter;
import ai.stylefarm.domain.jobs.JobRepository;
import ai.stylefarm.domain.jobs.JobView;
import ai.stylefarm.domain.jobs.NewJob;
import ai.stylefarm.domain.jobs.Page;
import ai.stylefarm.domain.ops.DashboardQueries;
import ai.stylefarm.domain.storage.Bucket;
import ai.stylefarm.gateway.auth.Caller;
import ai.stylefarm.gateway.config.GatewayConfig;
import ai.stylefarm.gateway.dashboard.ProjectionReports;
import ai.stylefarm.gateway.jobs.JobValidator;
import ai.stylefarm.gateway.jobs.Submissions;
import ai.stylefarm.schemas.JobKind;
import ai.stylefarm.schemas.JobState;
import ai.stylefarm.schemas.ObjectKeys;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/** {@code /v1/jobs}: submit, list, inspect, cancel, and download links. */
@Path("/v1/jobs")
@Produces(MediaType.APPLICATION_JSON)
public class JobsResource {
    /** A model id is at most 64 characters; a longer filter matches nothing and costs a comparison per row. */
    private static final int MAX_MODEL_FILTER = 64;
    private final JobRepository jobs;
    private final JobControls controls;
    private final Submissions submissions;
    private final JobValidator validator;
    private final JsonBodies bodies;
    private final Bucket storage;
    private final GatewayConfig config;
    private final DashboardQueries ops;
    private final ProjectionReports projectionReports;

    public JobsResource(JobRepository jobs, JobControls controls, Submissions submissions, JobValidator validator, JsonBodies bodies, Bucket storage,
                        GatewayConfig config, DashboardQueries ops, ProjectionReports projectionReports) {
        this.ops = ops;
        this.projectionReports = projectionReports;
        this.jobs = jobs;
        this.controls = controls;
        this.submissions = submissions;
        this.validator = validator;
        this.bodies = bodies;
        this.storage = storage;
        this.config = config;
    }

    /**
     * Accepts a job: 202 once it is committed (it runs even if Kafka is down right now). With an
     * {@code Idempotency-Key}, a repeated request returns the first job with 200.
     */
    @POST
    @Consumes(MediaType.WILDCARD)
    public Response submit(InputStream body, @HeaderParam("Idempotency-Key") String idempotencyKey,
                           @Context ContainerRequestContext request) {
        Caller caller = Callers.of(request);
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 200)) {
            throw ApiException.badRequest("Idempotency-Key", "must be 1 to 200 characters");
        }
        NewJob job = validator.validate(bodies.readObject(body), caller.tenant(), caller.isAdmin(), idempotencyKey);
        JobRepository.Submitted submitted = submissions.submit(job);
        return Response.status(submitted.created() ? 202 : 200)
                .location(URI.create("/v1/jobs/" + submitted.job().id()))
                .entity(submitted.job()).build();
    }

    @GET
    public Page<JobView> list(@QueryParam("state") String state, @QueryParam("kind") String kind,
                              @QueryParam("tenant") String tenant, @QueryParam("model") String model,
                              @QueryParam("id_prefix") String idPrefix, @QueryParam("limit") String limit,
                              @QueryParam("cursor") String cursor, @Context ContainerRequestContext request) {
        Caller caller = Callers.of(request);
        String scope = caller.isAdmin() ? tenant : caller.tenant();
        if (!caller.isAdmin() && tenant != null && !tenant.equals(caller.tenant())) {
            throw ApiException.forbidden("only admins list other tenants' jobs");
        }
        if (idPrefix != null && !JobFilter.ID_PREFIX.matcher(idPrefix).matches()) {
            throw ApiException.badRequest("id_prefix", "must be 1 to 36 hex digits or dashes (the start of a job id)");
        }
        if (model != null && model.length() > MAX_MODEL_FILTER) {
            throw ApiException.badRequest("model", "must be at most " + MAX_MODEL_FILTER + " characters");
        }
        return jobs.list(new JobFilter(scope, state(state), kind(kind), model, idPrefix), pageSize(limit), cursor);
    }

    @GET
    @Path("/{id}")
    public JobView get(@PathParam("id") String id, @Context ContainerRequestContext request) {
        return visibleJob(id, Callers.of(request));
    }

    /** Asks the scheduler to stop the job: 202 with the job, 409 if it has already ended. */
    @POST
    @Path("/{id}/cancel")
    @Consumes(MediaType.WILDCARD)
    public Response cancel(@PathParam("id") String id, @Context ContainerRequestContext request) {
        Caller caller = Callers.of(request);
        JobView job = visibleJob(id, caller);
        if (!jobs.requestCancel(job.id(), caller.keyId().toString())) {
            JobView now = jobs.find(job.id()).orElseThrow();
            throw ApiException.conflict("id", "job " + job.id() + " has already ended: " + now.state());
        }
        return Response.accepted(jobs.find(job.id()).orElseThrow()).build();
    }

    /** No further task of the job is released; those already out finish. 200 with the job; 409 unless it runs. */
    @POST
    @Path("/{id}/pause")
    @Consumes(MediaType.WILDCARD)
    public JobView pause(@PathParam("id") String id, @Context ContainerRequestContext request) {
        Caller caller = Callers.of(request);
        JobView job = visibleJob(id, caller);
        controls.pause(job.id(), caller.keyId().toString());
        return jobs.find(job.id()).orElseThrow();
    }

    /** A paused job's tasks are released again. */
    @POST
    @Path("/{id}/resume")
    @Consumes(MediaType.WILDCARD)
    public JobView resume(@PathParam("id") String id, @Context ContainerRequestContext request) {
        Caller caller = Callers.of(request);
        JobView job = visibleJob(id, caller);
        controls.resume(job.id(), caller.keyId().toString());
        return jobs.find(job.id()).orElseThrow();
    }

    /**
     * Requeues a failed job's failed tasks in place, each with a fresh set of attempts; its succeeded tasks and their
     * outputs stay. 200 with the job, running again; 409 unless it failed with failed tasks.
     */
    @POST
    @Path("/{id}/requeue")
    @Consumes(MediaType.WILDCARD)
    public JobView requeue(@PathParam("id") String id, @Context ContainerRequestContext request) {
        Caller caller = Callers.of(request);
        JobView job = visibleJob(id, caller);
        controls.requeueFailed(job.id(), caller.keyId().toString());
        return jobs.find(job.id()).orElseThrow();
    }

    /** {@code {"priority": 0-9 | "interactive" | "normal" | "bulk"}}: the job's next releases go by it. */
    @PATCH
    @Path("/{id}")
    @Consumes(MediaType.WILDCARD)
    public JobView update(@PathParam("id") String id, InputStream body, @Context ContainerRequestContext request) {
        Caller caller = Callers.of(request);
        JobView job = visibleJob(id, caller);
        JsonNode json = bodies.readObject(body);
        JsonFields.only(json, Set.of("priority"));
        if (!json.has("priority")) {
            throw ApiException.invalid("priority", "is required: the only field a job's owner may change");
        }
        List<Problem.FieldError> errors = new ArrayList<>();
        int priority = JobValidator.priority(json.get("priority"), errors);
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        controls.setPriority(job.id(), priority, caller.keyId().toString());
        return jobs.find(job.id()).orElseThrow();
    }

    /**
     * Deletes an ended job with all its outputs and records: 202 at once (the job is gone from the API), while the
     * scheduler removes its objects and then its rows; 409 while the job has not ended (cancel it first).
     */
    @DELETE
    @Path("/{id}")
    public Response delete(@PathParam("id") String id, @Context ContainerRequestContext request) {
        Caller caller = Callers.of(request);
        JobView job = visibleJob(id, caller);
        if (!jobs.requestDelete(job.id(), caller.keyId().toString())) {
            throw ApiException.conflict("id", "job " + job.id() + " is " + job.state() + "; cancel it or wait for it"
                    + " to end before deleting it");
        }
        return Response.accepted(java.util.Map.of("id", job.id(), "deleting", true)).build();
    }

    /**
     * Runs a failed or cancelled job again as a new job with the same kind, model, priority and spec (validated
     * and counted against quotas anew): 202 with the new job, 409 while the job has not ended or if it succeeded.
     */
    @POST
    @Path("/{id}/retry")
    @Consumes(MediaType.WILDCARD)
    public Response retry(@PathParam("id") String id, @Context ContainerRequestContext request) {
        Caller caller = Callers.of(request);
        JobView job = visibleJob(id, caller);
        if (!job.state().equals(JobState.FAILED.name()) && !job.state().equals(JobState.CANCELLED.name())) {
            throw ApiException.conflict("id", "job " + job.id() + " is " + job.state() + "; only FAILED or CANCELLED"
                    + " jobs can be retried");
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("kind", job.kind()).put("model", job.model())
                .put("priority", job.priority());
        body.set("spec", job.spec());
        JobRepository.Submitted submitted = submissions.submit(validator.validate(body, job.tenant(), caller.isAdmin(), null));
        return Response.status(202).location(URI.create("/v1/jobs/" + submitted.job().id()))
                .entity(submitted.job()).build();
    }

    /** The task grid: every state's count, and the first {@code limit} tasks (default 2,000) with their details. */
    @GET
    @Path("/{id}/tasks")
    public DashboardQueries.TaskGrid tasks(@PathParam("id") String id, @QueryParam("limit") String limit,
                                   @Context ContainerRequestContext request) {
        JobView job = visibleJob(id, Callers.of(request));
        return ops.tasks(job.id(), QueryParams.integer("limit", limit, 1, 10_000, 2000));
    }

    /** One task: its spec, what it covers, and each attempt's worker, outcome and error. */
    @GET
    @Path("/{id}/tasks/{index}")
    public DashboardQueries.TaskDetail task(@PathParam("id") String id, @PathParam("index") String index,
                                            @Context ContainerRequestContext request) {
        JobView job = visibleJob(id, Callers.of(request));
        int i = QueryParams.integer("index", index, 0, Integer.MAX_VALUE, 0);
        return ops.task(job.id(), i).orElseThrow(() -> ApiException.notFound("index", "task " + i + " of job "
                + job.id()));
    }

    /** The job's newest pictures (images, style-mix cells, kept frames), newest first, with presigned links. */
    @GET
    @Path("/{id}/pictures")
    public java.util.List<ArtifactView> pictures(@PathParam("id") String id, @QueryParam("limit") String limit,
                                                 @Context ContainerRequestContext request) {
        JobView job = visibleJob(id, Callers.of(request));
        return ops.latestPictures(job.id(), QueryParams.integer("limit", limit, 1, 100, 12), storage::presign);
    }

    /**
     * A webdataset job's first samples, read from its first shard (a bounded read), as {@code data:} URLs: what its
     * page shows where a files job shows thumbnails. Empty until a shard is stored.
     */
    @GET
    @Path("/{id}/samples")
    public java.util.Map<String, Object> samples(@PathParam("id") String id,
                                                 @Context ContainerRequestContext request) {
        JobView job = visibleJob(id, Callers.of(request));
        return jobs.artifactsOfKinds(job.id(), java.util.List.of("shard")).stream()
                .map(JobRepository.ArtifactRef::key).min(java.util.Comparator.naturalOrder())
                .<java.util.Map<String, Object>>map(shard -> java.util.Map.of("shard", shard,
                        "samples", ai.stylefarm.gateway.dashboard.ShardSamples.first(storage, shard)))
                .orElse(java.util.Map.of("samples", java.util.List.of()));
    }

    /** A project or calibrate job's targets so far: metrics, verdicts, target and projection links; the ROC summary. */
    @GET
    @Path("/{id}/projections")
    public com.fasterxml.jackson.databind.node.ObjectNode projections(@PathParam("id") String id,
                                                                      @QueryParam("limit") String limit,
                                                                      @Context ContainerRequestContext request) {
        JobView job = visibleJob(id, Callers.of(request));
        return projectionReports.report(job.id(), QueryParams.integer("limit", limit, 1, 1000, 200));
    }

    /**
     * The job's outputs with their size, sha256 and a presigned link, paged. {@code internal=true} adds the tasks'
     * manifest parts and video segments, which {@code ./farm verify} checks too.
     */
    @GET
    @Path("/{id}/artifacts")
    public Page<ArtifactView> artifacts(@PathParam("id") String id, @QueryParam("limit") String limit,
                                        @QueryParam("cursor") String cursor, @QueryParam("internal") String internal,
                                        @Context ContainerRequestContext request) {
        JobView job = visibleJob(id, Callers.of(request));
        return jobs.artifacts(job.id(), pageSize(limit), cursor, QueryParams.flag("internal", internal),
                storage::presign);
    }

    /**
     * What the bucket holds under the job's prefix, whatever the records say: key and size, paged by key. With the
     * artifacts, this is what {@code ./farm verify} compares.
     */
    @GET
    @Path("/{id}/objects")
    public Page<Bucket.Listed> objects(@PathParam("id") String id, @QueryParam("limit") String limit,
                                                     @QueryParam("cursor") String cursor,
                                                     @Context ContainerRequestContext request) {
        JobView job = visibleJob(id, Callers.of(request));
        if (cursor != null && !cursor.startsWith(ObjectKeys.job(job.id()))) {
            throw ApiException.badRequest("cursor", "not a cursor from this API");
        }
        return storage.list(ObjectKeys.job(job.id()), cursor, pageSize(limit));
    }

    /** Another tenant's job is reported as missing, not forbidden: ids must not leak across tenants. */
    private JobView visibleJob(String id, Caller caller) {
        UUID uuid = Ids.uuid(id, "id", "job");
        return jobs.find(uuid).filter(j -> caller.maySee(j.tenant()))
                .orElseThrow(() -> ApiException.notFound("job " + Problem.quote(id)));
    }

    private int pageSize(String limit) {
        return QueryParams.integer("limit", limit, 1, config.api().maxPageSize(), config.api().defaultPageSize());
    }

    private static String state(String state) {
        if (state == null) {
            return null;
        }
        try {
            return JobState.valueOf(state.toUpperCase(Locale.ROOT)).name();
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("state", "unknown state '" + Problem.quote(state) + "'; one of "
                    + java.util.Arrays.toString(JobState.values()));
        }
    }

    private static String kind(String kind) {
        if (kind == null) {
            return null;
        }
        try {
            return JobKind.of(kind).value();
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("kind", e.getMessage());
        }
    }
}
