package ai.stylefarm.scheduler.metrics;

import ai.stylefarm.domain.store.Jobs;
import ai.stylefarm.domain.store.Tasks;
import ai.stylefarm.domain.store.Workers;
import ai.stylefarm.schemas.ConsumerLag;
import ai.stylefarm.schemas.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.jboss.logging.Logger;

/**
 * A periodic duty that reads what operators watch, from the single source of truth of each: job and task counts
 * by state and each worker's heartbeat age from PostgreSQL; consumer lag per topic and group, and the DLQ's size,
 * from the broker. It runs on its own thread (a slow broker must not hold up releasing tasks), every
 * {@link #PERIOD}.
 */
public final class FarmGauges implements Runnable {
    private static final Logger LOG = Logger.getLogger(FarmGauges.class);
    public static final Duration PERIOD = Duration.ofSeconds(5);

    private final DataSource db;
    private final Admin admin;
    private final MultiGauge jobs;
    private final MultiGauge tasks;
    private final MultiGauge heartbeatAge;
    private final MultiGauge lag;
    private final MultiGauge deadLetters;

    public FarmGauges(DataSource db, Admin admin, MeterRegistry registry) {
        this.db = db;
        this.admin = admin;
        jobs = MultiGauge.builder("stylefarm.jobs").description("Jobs by state").register(registry);
        tasks = MultiGauge.builder("stylefarm.tasks").description("Tasks by state").register(registry);
        heartbeatAge = MultiGauge.builder("stylefarm.worker.heartbeat.age").baseUnit("seconds")
                .description("Seconds since each worker's last event or heartbeat").register(registry);
        lag = MultiGauge.builder("stylefarm.kafka.consumer.lag")
                .description("Messages not yet consumed, per topic and consumer group").register(registry);
        deadLetters = MultiGauge.builder("stylefarm.dlq.messages")
                .description("Messages in the dead-letter topic (its end offsets)").register(registry);
    }

    @Override
    public void run() {
        try (Connection c = db.getConnection()) {
            jobs.register(byState(Jobs.countByState(c)), true);
            tasks.register(byState(Tasks.countByState(c)), true);
            heartbeatAge.register(heartbeats(c), true);
        } catch (SQLException e) {
            LOG.debugf("Gauges not refreshed from the database: %s", e.getMessage());
        }
        try {
            lag.register(lag(), true);
            deadLetters.register(List.of(MultiGauge.Row.of(Tags.of("topic", Topics.DLQ),
                    ConsumerLag.records(admin, Topics.DLQ))), true);
        } catch (Exception e) {
            LOG.debugf("Gauges not refreshed from the broker: %s", e.getMessage());
        }
    }

    private static List<MultiGauge.Row<?>> byState(Map<? extends Enum<?>, Long> counts) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        counts.forEach((state, n) -> rows.add(MultiGauge.Row.of(Tags.of("state", state.name()), n)));
        return rows;
    }

    private static List<MultiGauge.Row<?>> heartbeats(Connection c) throws SQLException {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        Workers.secondsSinceHeartbeat(c).forEach((worker, age) -> rows.add(MultiGauge.Row.of(Tags.of("worker", worker),
                age)));
        return rows;
    }

    private List<MultiGauge.Row<?>> lag() throws Exception {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (ConsumerLag.Lag lag : ConsumerLag.measure(admin)) {
            rows.add(MultiGauge.Row.of(Tags.of("topic", lag.topic(), "group", lag.group()), lag.messages()));
        }
        return rows;
    }
}
