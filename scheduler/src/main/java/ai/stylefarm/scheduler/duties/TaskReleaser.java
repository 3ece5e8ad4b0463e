package ai.stylefarm.scheduler.duties;

import ai.stylefarm.domain.store.Jobs.ReleaseCandidate;
import ai.stylefarm.domain.store.Jobs;
import ai.stylefarm.domain.store.TaskRow;
import ai.stylefarm.domain.store.Tasks;
import ai.stylefarm.domain.store.Transactions;
import ai.stylefarm.scheduler.config.SchedulerConfig;
import ai.stylefarm.scheduler.messaging.WorkerGroup;
import ai.stylefarm.schemas.MessageValidationException;
import ai.stylefarm.schemas.Messages;
import ai.stylefarm.schemas.TaskKind;
import ai.stylefarm.schemas.TaskMessage;
import ai.stylefarm.schemas.TaskSpec;
import ai.stylefarm.schemas.TaskState;
import ai.stylefarm.schemas.Topics;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    @Override
    public void run() {
        List<WorkerGroup.Member> members = workers.members();
        int window = Math.min(settings.maxTasksInFlight(), settings.tasksPerWorker() * Math.max(1, members.size()));
        int released = Transactions.inTransaction(db, c -> {
            int room = window - Tasks.inFlight(c);
            if (room <= 0) {
                return 0;
            }
            Map<String, Integer> load = workerLoad(c, members);
            Map<String, Integer> tenantInFlight = Tasks.inFlightByTenant(c);
            List<ReleaseCandidate> candidates = new ArrayList<>(Jobs.releaseCandidates(c, 500));
            Instant now = clock.instant();
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            while (room > 0 && !candidates.isEmpty()) {
                ReleaseCandidate next = candidates.stream().min(Comparator.comparingInt((ReleaseCandidate j) -> -j.priority())
                        .thenComparingDouble(j -> tenantInFlight.getOrDefault(j.tenant(), 0) / (double) j.weight())
                        .thenComparing(ReleaseCandidate::createdAt)).orElseThrow();
                Optional<TaskRow> due = Tasks.lockNextDue(c, next.job());
                if (due.isEmpty()) {
                    candidates.remove(next);
                    continue;
                }
                TaskRow task = due.get();
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

    /** Running tasks per worker plus the tasks released to its partitions and not yet taken up. */
    private static Map<String, Integer> workerLoad(Connection c, List<WorkerGroup.Member> members) throws SQLException {
        Map<String, Integer> running = Tasks.runningByWorker(c);
        Map<Integer, Integer> released = Tasks.releasedByPartition(c);
        Map<String, Integer> load = new HashMap<>();
        for (WorkerGroup.Member m : members) {
            int releasedToIt = m.partitions().stream().mapToInt(p -> released.getOrDefault(p, 0)).sum();
            load.put(m.workerId(), running.getOrDefault(m.workerId(), 0) + releasedToIt);
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

    private TaskMessage message(TaskRow task, ReleaseCandidate job, Instant now) throws java.io.IOException {
        return new TaskMessage(task.id(), task.jobId(), task.attempt(), job.modelId(), job.modelName(),
                job.modelSha256(), spec(task),
                (int) settings.runningLease().toSeconds(), now);
    }

    private static TaskSpec spec(TaskRow task) throws java.io.IOException {
        return TaskKind.of(task.kind()).readSpec(task.spec());
    }
}
