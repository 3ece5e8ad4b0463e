package ai.stylefarm.gateway.jobs;

import ai.stylefarm.domain.jobs.JobRepository;
import ai.stylefarm.domain.jobs.NewJob;
import ai.stylefarm.gateway.messaging.OutboxRelay;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/** Accepting a validated job: stored with its outbox message, counted, and the relay woken to publish it now. */
@ApplicationScoped
public class Submissions {
    private static final Logger LOG = Logger.getLogger(Submissions.class);

    private final JobRepository jobs;
    private final OutboxRelay relay;
    private final MeterRegistry registry;

    public Submissions(JobRepository jobs, OutboxRelay relay, MeterRegistry registry) {
        this.jobs = jobs;
        this.relay = relay;
        this.registry = registry;
    }

    public JobRepository.Submitted submit(NewJob job) {
        JobRepository.Submitted submitted = jobs.submit(job);
        if (submitted.created()) {
            try {
                Counter.builder("stylefarm.jobs.submitted").description("Jobs accepted by the gateway, by kind")
                        .tag("kind", job.kind().value()).register(registry).increment();
                relay.nudge();
            } catch (RuntimeException e) {
                // Nothing after the commit may turn an accepted job into an error: the relay's poll publishes it.
                LOG.warnf(e, "Job accepted, but counting or nudging the relay failed");
            }
        }
        return submitted;
    }
}
