package ai.stylefarm.gateway.api;

import ai.stylefarm.gateway.auth.Caller;
import ai.stylefarm.gateway.dashboard.OpsStore;
import ai.stylefarm.gateway.dashboard.QueueProbe;
import ai.stylefarm.gateway.jobs.JobStore;
import ai.stylefarm.gateway.jobs.JobView;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.util.List;
import org.jboss.resteasy.reactive.RestStreamElementType;

/** What operators watch: workers, queues, the last hour's throughput, and live job updates. */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
public class OpsResource {
    /** Jobs a live update carries: the newest of the caller's, which is what the jobs page shows. */
    private static final int LIVE_JOBS = 50;

    private final OpsStore ops;
    private final QueueProbe queues;
    private final JobStore jobs;

    public OpsResource(OpsStore ops, QueueProbe queues, JobStore jobs) {
        this.ops = ops;
        this.queues = queues;
        this.jobs = jobs;
    }

    /** Workers heard from in the last day: device, current task, images/s (5 min), failures (1 h), models. */
    @GET
    @Path("/workers")
    public List<OpsStore.WorkerView> workers(@Context ContainerRequestContext request) {
        Callers.admin(request);
        return ops.workers();
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
    public OpsStore.Throughput throughput(@Context ContainerRequestContext request) {
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
                .map(tick -> jobs.list(scope, null, null, LIVE_JOBS, null).items());
    }
}
