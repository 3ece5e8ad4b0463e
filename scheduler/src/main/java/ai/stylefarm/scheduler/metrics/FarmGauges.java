package ai.stylefarm.scheduler.metrics;

import ai.stylefarm.schemas.ConsumerLag;
import ai.stylefarm.schemas.JobState;
import ai.stylefarm.schemas.TaskState;
import ai.stylefarm.schemas.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
            jobs.register(byState(c, "jobs", JobState.values()), true);
            tasks.register(byState(c, "tasks", TaskState.values()), true);
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

    private static List<MultiGauge.Row<?>> byState(Connection c, String table, Enum<?>[] states) throws SQLException {
        Map<String, Long> counts = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT state, count(*) FROM " + table + " GROUP BY state");
             ResultSet r = s.executeQuery()) {
            while (r.next()) {
                counts.put(r.getString(1), r.getLong(2));
            }
        }
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (Enum<?> state : states) {
            rows.add(MultiGauge.Row.of(Tags.of("state", state.name()), counts.getOrDefault(state.name(), 0L)));
        }
        return rows;
    }

    private static List<MultiGauge.Row<?>> heartbeats(Connection c) throws SQLException {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT id, extract(epoch FROM now() - last_heartbeat) FROM"
                + " workers WHERE last_heartbeat > now() - interval '1 day'"); ResultSet r = s.executeQuery()) {
            while (r.next()) {
                rows.add(MultiGauge.Row.of(Tags.of("worker", r.getString(1)), r.getDouble(2)));
            }
        }
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
