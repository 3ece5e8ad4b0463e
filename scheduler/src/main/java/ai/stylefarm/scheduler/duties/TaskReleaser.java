package ai.stylefarm.scheduler.duties;

import ai.stylefarm.scheduler.config.SchedulerConfig;
import ai.stylefarm.scheduler.messaging.WorkerGroup;
import ai.stylefarm.scheduler.state.Jobs;
import ai.stylefarm.scheduler.state.TaskRow;
import ai.stylefarm.scheduler.state.Tasks;
import ai.stylefarm.scheduler.state.Transactions;
import ai.stylefarm.schemas.GenerateTaskSpec;
import ai.stylefarm.schemas.MessageValidationException;
import ai.stylefarm.schemas.Messages;
import ai.stylefarm.schemas.TaskKind;
import ai.stylefarm.schemas.TaskMessage;
import ai.stylefarm.schemas.TaskSpec;
import ai.stylefarm.schemas.TaskState;
import ai.stylefarm.schemas.Topics;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.jboss.logging.Logger;

/**
 * Releases due tasks to {@link Topics#TASKS} in a window of {@code tasksPerWorker} per worker. A topic is FIFO,
 * so this window is what lets a new high-priority job overtake a big bulk job: it waits behind at most one task
 * per worker. Each slot goes to the highest priority first; among equal priorities, to the tenant with the
 * fewest tasks in flight for its weight (fair share), then to the oldest job. Each task is sent to a partition
 * of the least-loaded worker, and a retry avoids the worker whose attempt failed. An issue bumps the attempt and
 * is committed only after the broker has the message; a crash in between re-sends the same attempt, which is
 * harmless.
 */
public final class TaskReleaser implements Runnable {
    private static final Logger LOG = Logger.getLogger(TaskReleaser.class);

    private final DataSource db;
    private final Producer<String, byte[]> producer;
    private final WorkerGroup workers;
    private final SchedulerConfig.Scheduler settings;
    private final Clock clock;

    public TaskReleaser(DataSource db, Producer<String, byte[]> producer, WorkerGroup workers,
                        SchedulerConfig.Scheduler settings, Clock clock) {
        this.db = db;
        this.producer = producer;
        this.workers = workers;
        this.settings = settings;
        this.clock = clock;
    }

    /** A job with due tasks, with what its task messages need: the model and its bundle checksum. */
    private record Candidate(UUID job, String tenant, int priority, Instant createdAt, int weight, String modelId,
                             String modelSha256, String modelName) {
    }

    @Override
    public void run() {
        List<WorkerGroup.Member> members = workers.members();
        int window = Math.min(settings.maxTasksInFlight(), settings.tasksPerWorker() * Math.max(1, members.size()));
        int released = Transactions.inTransaction(db, c -> {
            int room = window - count(c, "SELECT count(*) FROM tasks WHERE state = 'RUNNING'"
                    + " OR (state = 'RELEASED' AND next_attempt_at IS NULL)");
            if (room <= 0) {
                return 0;
            }
            Map<String, Integer> load = workerLoad(c, members);
            Map<String, Integer> tenantInFlight = groupCount(c, "SELECT j.tenant_id, count(*) FROM tasks t JOIN jobs j"
                    + " ON j.id = t.job_id WHERE t.state = 'RUNNING' OR (t.state = 'RELEASED' AND t.next_attempt_at IS NULL)"
                    + " GROUP BY j.tenant_id");
            List<Candidate> candidates = candidates(c);
            Instant now = clock.instant();
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            while (room > 0 && !candidates.isEmpty()) {
                Candidate next = candidates.stream().min(Comparator.comparingInt((Candidate j) -> -j.priority())
                        .thenComparingDouble(j -> tenantInFlight.getOrDefault(j.tenant(), 0) / (double) j.weight())
                        .thenComparing(Candidate::createdAt)).orElseThrow();
                List<TaskRow> due = Tasks.select(c, "WHERE t.job_id = ? AND t.state IN ('PENDING', 'RELEASED')"
                        + " AND t.next_attempt_at <= now() ORDER BY t.idx LIMIT 1 FOR UPDATE SKIP LOCKED", next.job());
                if (due.isEmpty()) {
                    candidates.remove(next);
                    continue;
                }
                TaskRow task = due.get(0);
                WorkerGroup.Member target = leastLoaded(members, load, task.workerId());
                Integer partition = null;
                if (target != null) {
                    List<Integer> owned = target.partitions().stream().sorted().toList();
                    partition = owned.get(Math.floorMod(task.id().hashCode(), owned.size()));
                }
                TaskRow issued = Tasks.issue(c, task, now.plus(settings.releasedLease()), partition);
                byte[] json;
                try {
                    json = Messages.toJson(message(issued, next, now));
                } catch (MessageValidationException e) {
                    // A planning bug must cost this task, not every release after it: fail it with the reason.
                    Tasks.move(c, issued, TaskState.FAILED, Map.of("error", "its task message breaks the task"
                            + " schema: " + e.getMessage()));
                    Jobs.countFinishedTask(c, issued.jobId(), true);
                    LOG.errorf("Task %s failed: its message breaks the task schema: %s", task.id(), e.getMessage());
                    continue;
                }
                sends.add(producer.send(new ProducerRecord<>(Topics.TASKS, partition, task.id().toString(), json)));
                if (target != null) {
                    load.merge(target.workerId(), 1, Integer::sum);
                }
                tenantInFlight.merge(next.tenant(), 1, Integer::sum);
                room--;
            }
            for (Future<RecordMetadata> send : sends) {
                send.get(30, TimeUnit.SECONDS);
            }
            return sends.size();
        });
        if (released > 0) {
            LOG.debugf("Released %d tasks", released);
        }
    }

    /** Running tasks per worker plus the tasks queued on its partitions. */
    private static Map<String, Integer> workerLoad(Connection c, List<WorkerGroup.Member> members) throws SQLException {
        Map<String, Integer> running = groupCount(c, "SELECT worker_id, count(*) FROM tasks WHERE state = 'RUNNING'"
                + " AND worker_id IS NOT NULL GROUP BY worker_id");
        Map<String, Integer> queued = groupCount(c, "SELECT kafka_partition::text, count(*) FROM tasks"
                + " WHERE state = 'RELEASED' AND next_attempt_at IS NULL AND kafka_partition IS NOT NULL GROUP BY 1");
        Map<String, Integer> load = new HashMap<>();
        for (WorkerGroup.Member m : members) {
            int queuedOnIt = m.partitions().stream().mapToInt(p -> queued.getOrDefault(Integer.toString(p), 0)).sum();
            load.put(m.workerId(), running.getOrDefault(m.workerId(), 0) + queuedOnIt);
        }
        return load;
    }

    /** The member with the least load, avoiding {@code failedOn} (the last attempt's worker) when another exists. */
    private static WorkerGroup.Member leastLoaded(List<WorkerGroup.Member> members, Map<String, Integer> load,
                                                  String failedOn) {
        return members.stream()
                .filter(m -> members.size() == 1 || failedOn == null || !m.workerId().equals(failedOn))
                .min(Comparator.comparingInt((WorkerGroup.Member m) -> load.getOrDefault(m.workerId(), 0))
                        .thenComparing(WorkerGroup.Member::workerId))
                .orElse(null);
    }

    private static List<Candidate> candidates(Connection c) throws SQLException {
        List<Candidate> jobs = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT j.id, j.tenant_id, j.priority, j.created_at, tn.weight,"
                + " m.id, m.bundle_sha256, m.slug FROM jobs j JOIN tenants tn ON tn.id = j.tenant_id JOIN models m"
                + " ON m.id = j.model_id WHERE j.state IN ('PLANNED', 'RUNNING')"
                + " AND j.cancel_requested_at IS NULL AND EXISTS (SELECT 1 FROM tasks t WHERE t.job_id = j.id"
                + " AND t.state IN ('PENDING', 'RELEASED') AND t.next_attempt_at <= now())"
                + " ORDER BY j.priority DESC, j.created_at LIMIT 500"); ResultSet r = s.executeQuery()) {
            while (r.next()) {
                jobs.add(new Candidate(r.getObject(1, UUID.class), r.getString(2), r.getInt(3),
                        r.getTimestamp(4).toInstant(), r.getInt(5), r.getString(6), r.getString(7), r.getString(8)));
            }
        }
        return jobs;
    }

    private TaskMessage message(TaskRow task, Candidate job, Instant now) throws java.io.IOException {
        return new TaskMessage(task.id(), task.jobId(), task.attempt(), job.modelId(), job.modelName(),
                job.modelSha256(), spec(task),
                (int) settings.runningLease().toSeconds(), now);
    }

    private static TaskSpec spec(TaskRow task) throws java.io.IOException {
        return switch (TaskKind.of(task.kind())) {
            case GENERATE -> Messages.mapper().readValue(task.spec(), GenerateTaskSpec.class);
            case STYLE_MIX -> Messages.mapper().readValue(task.spec(), ai.stylefarm.schemas.StyleMixTaskSpec.class);
            case INTERPOLATE -> Messages.mapper().readValue(task.spec(), ai.stylefarm.schemas.InterpolateTaskSpec.class);
            case PROJECT -> Messages.mapper().readValue(task.spec(), ai.stylefarm.schemas.ProjectTaskSpec.class);
            default -> throw new IllegalStateException("task " + task.id() + " has kind " + task.kind()
                    + ", which cannot be released");
        };
    }

    private static int count(Connection c, String sql) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql); ResultSet r = s.executeQuery()) {
            r.next();
            return r.getInt(1);
        }
    }

    private static Map<String, Integer> groupCount(Connection c, String sql) throws SQLException {
        Map<String, Integer> counts = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement(sql); ResultSet r = s.executeQuery()) {
            while (r.next()) {
                counts.put(r.getString(1), r.getInt(2));
            }
        }
        return counts;
    }

}
