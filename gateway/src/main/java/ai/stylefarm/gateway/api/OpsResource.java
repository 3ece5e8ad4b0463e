package ai.stylefarm.gateway.api;

import ai.stylefarm.domain.jobs.JobFilter;
import ai.stylefarm.domain.jobs.JobRepository;
import ai.stylefarm.domain.jobs.JobView;
import ai.stylefarm.domain.ops.DashboardQueries;
import ai.stylefarm.domain.storage.Bucket;
import ai.stylefarm.gateway.auth.Caller;
import ai.stylefarm.gateway.dashboard.QueueProbe;
import ai.stylefarm.schemas.JobKind;
import ai.stylefarm.schemas.JobState;
import ai.stylefarm.schemas.ObjectKeys;
import ai.stylefarm.schemas.TaskState;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jboss.resteasy.reactive.RestStreamElementType;

/** What operators watch: workers, queues, the last hour's throughput, and live job updates. */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
public class OpsResource {
    /** Jobs a live update carries: the newest of the caller's, which is what the jobs page shows. */
    private static final int LIVE_JOBS = 50;

    /** As long as the workers table allows. */
    private static final int MAX_WORKER_ID = 200;

    private final DashboardQueries ops;
    private final QueueProbe queues;
    private final JobRepository jobs;
    private final Bucket storage;

    public OpsResource(DashboardQueries ops, QueueProbe queues, JobRepository jobs, Bucket storage) {
        this.ops = ops;
        this.storage = storage;
        this.queues = queues;
        this.jobs = jobs;
    }

    /** Workers heard from in the last day: device, current task, images/s (5 min), failures (1 h), models. */
    @GET
    @Path("/workers")
    public List<DashboardQueries.WorkerView> workers(@Context ContainerRequestContext request) {
        Callers.admin(request);
        return ops.workers();
    }

    /**
     * Drains a worker: it finishes the task it runs, then leaves the group and takes no more until undrained. The
     * worker learns it from the bucket (it never reads the database); 200 with the worker.
     */
    @POST
    @Path("/workers/{id}/drain")
    @Consumes(MediaType.WILDCARD)
    public DashboardQueries.WorkerView drain(@PathParam("id") String id, @Context ContainerRequestContext request) {
        Callers.admin(request);
        DashboardQueries.WorkerView worker = known(id);
        storage.put(ObjectKeys.drainMarker(worker.id()), "drain\n".getBytes(StandardCharsets.UTF_8), "text/plain");
        ops.setDrainRequested(worker.id(), true);
        return known(id);
    }

    /** Puts a drained worker back to work: it joins the group again within seconds. */
    @DELETE
    @Path("/workers/{id}/drain")
    public DashboardQueries.WorkerView undrain(@PathParam("id") String id, @Context ContainerRequestContext request) {
        Callers.admin(request);
        DashboardQueries.WorkerView worker = known(id);
        ops.setDrainRequested(worker.id(), false);
        storage.remove(ObjectKeys.drainMarker(worker.id()));
        return known(id);
    }

    private DashboardQueries.WorkerView known(String id) {
        return (id.length() > MAX_WORKER_ID ? Optional.<DashboardQueries.WorkerView>empty() : ops.worker(id))
                .orElseThrow(() -> ApiException.notFound("worker " + Problem.quote(id)));
    }

    /**
     * The vocabulary clients filter and label by, so that none of them hard-codes it.
     *
     * @param priorities the named priorities and the number each stands for
     */
    public record Meta(List<String> jobStates, List<String> taskStates, List<String> jobKinds,
                       java.util.Map<String, Integer> priorities) {
    }

    @GET
    @Path("/meta")
    public Meta meta() {
        return new Meta(Arrays.stream(JobState.values()).map(Enum::name).toList(),
                Arrays.stream(TaskState.values()).map(Enum::name).toList(),
                Arrays.stream(JobKind.values()).map(JobKind::value).toList(),
                new java.util.TreeMap<>(ai.stylefarm.gateway.jobs.JobValidator.PRIORITY_NAMES));
    }

    /** Who the key belongs to, for the dashboard's header and for scripts that check their key. */
    public record Identity(String tenant, String role) {
    }

    @GET
    @Path("/whoami")
    public Identity whoami(@Context ContainerRequestContext request) {
        Caller caller = Callers.of(request);
        return new Identity(caller.tenant(), caller.role().name().toLowerCase(java.util.Locale.ROOT));
    }

    /** Consumer lag per topic and group, and the dead-letter topic's size and latest reasons. */
    @GET
    @Path("/queues")
    public QueueProbe.Queues queues(@Context ContainerRequestContext request) {
        Callers.admin(request);
        try {
            return queues.read();
        } catch (IllegalStateException e) {
            throw new ApiException(503, "Broker Unavailable", null, e.getMessage());
        }
    }

    /** Items stored and failed attempts per minute over the last hour: all tenants for admins, else the caller's. */
    @GET
    @Path("/throughput")
    public DashboardQueries.Throughput throughput(@Context ContainerRequestContext request) {
        Caller caller = Callers.of(request);
        return ops.lastHour(caller.isAdmin() ? null : caller.tenant());
    }

    /**
     * Server-sent events: every second, the caller's newest jobs (state, counts, progress, timings), so that a page
     * updates without reloading.
     */
    @GET
    @Path("/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    public Multi<List<JobView>> stream(@Context ContainerRequestContext request) {
        Caller caller = Callers.of(request);
        String scope = caller.isAdmin() ? null : caller.tenant();
        return Multi.createFrom().ticks().every(Duration.ofSeconds(1)).onOverflow().drop()
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(tick -> jobs.list(JobFilter.tenant(scope), LIVE_JOBS, null).items());
    }
}
