package ai.stylefarm.scheduler.metrics;

import ai.stylefarm.schemas.TaskKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The scheduler's event counters, in Prometheus as {@code stylefarm_task_retries_total{kind}} and
 * {@code stylefarm_lease_expiries_total{kind}}. The farm-wide gauges (job and task states, lag, DLQ, heartbeats)
 * are {@link FarmGauges}.
 */
public final class SchedulerMetrics {
    private final MeterRegistry registry;

    public SchedulerMetrics(MeterRegistry registry) {
        this.registry = registry;
        // Every kind's series exists from the start at 0, so that rates and alerts see "none yet", not "unknown".
        for (TaskKind kind : TaskKind.values()) {
            retries(kind.value());
            leaseExpiries(kind.value());
        }
    }

    /** Counted but exported nowhere: for tests and tools that run the scheduler's parts without Quarkus. */
    public static SchedulerMetrics detached() {
        return new SchedulerMetrics(new SimpleMeterRegistry());
    }

    /** A task failed retryably and will run again after its back-off. */
    public void retryScheduled(String taskKind) {
        retries(taskKind).increment();
    }

    /** A released or running task went silent past its lease (re-issued, or failed with no attempts left). */
    public void leaseExpired(String taskKind) {
        leaseExpiries(taskKind).increment();
    }

    private Counter retries(String taskKind) {
        return Counter.builder("stylefarm.task.retries").description("Task attempts that failed retryably and were"
                + " re-issued").tag("kind", taskKind).register(registry);
    }

    private Counter leaseExpiries(String taskKind) {
        return Counter.builder("stylefarm.lease.expiries").description("Task leases that expired without a heartbeat")
                .tag("kind", taskKind).register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }
}
