package ai.stylefarm.scheduler.duties;

import ai.stylefarm.scheduler.config.SchedulerConfig;
import ai.stylefarm.scheduler.state.TaskRow;
import ai.stylefarm.scheduler.state.Tasks;
import ai.stylefarm.scheduler.state.Transactions;
import ai.stylefarm.schemas.GenerateTaskSpec;
import ai.stylefarm.schemas.Messages;
import ai.stylefarm.schemas.TaskKind;
import ai.stylefarm.schemas.TaskMessage;
import ai.stylefarm.schemas.TaskSpec;
import ai.stylefarm.schemas.Topics;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.jboss.logging.Logger;

/**
 * Releases due tasks to {@link Topics#TASKS} in a window: at most {@code maxTasksInFlight} tasks are on the topic
 * or running at once, and the window fills by job priority, then age. A topic is FIFO, so this window is what
 * lets a high-priority job overtake a big low-priority one. Each issue bumps the attempt and is committed only
 * after the broker has the message; a crash in between re-sends the same attempt, which workers absorb.
 */
public final class TaskReleaser implements Runnable {
    private static final Logger LOG = Logger.getLogger(TaskReleaser.class);

    private final DataSource db;
    private final Producer<String, byte[]> producer;
    private final SchedulerConfig.Scheduler settings;
    private final Clock clock;

    public TaskReleaser(DataSource db, Producer<String, byte[]> producer, SchedulerConfig.Scheduler settings, Clock clock) {
        this.db = db;
        this.producer = producer;
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public void run() {
        int released = Transactions.inTransaction(db, c -> {
            int inFlight;
            try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM tasks WHERE state = 'RUNNING'"
                    + " OR (state = 'RELEASED' AND next_attempt_at IS NULL)"); ResultSet r = s.executeQuery()) {
                r.next();
                inFlight = r.getInt(1);
            }
            int room = settings.maxTasksInFlight() - inFlight;
            if (room <= 0) {
                return 0;
            }
            List<TaskRow> due = Tasks.select(c, "JOIN jobs j ON j.id = t.job_id WHERE t.next_attempt_at <= now()"
                    + " AND t.state IN ('PENDING', 'RELEASED') AND j.state IN ('PLANNED', 'RUNNING')"
                    + " AND j.cancel_requested_at IS NULL ORDER BY j.priority DESC, j.created_at, j.id, t.idx"
                    + " LIMIT ? FOR UPDATE OF t SKIP LOCKED", room);
            if (due.isEmpty()) {
                return 0;
            }
            Instant now = clock.instant();
            List<Future<RecordMetadata>> sends = new ArrayList<>(due.size());
            for (TaskRow task : due) {
                TaskRow issued = Tasks.issue(c, task, now.plus(settings.releasedLease()));
                Model model = model(c, task);
                TaskMessage message = new TaskMessage(task.id(), task.jobId(), issued.attempt(), model.id(), model.sha256(),
                        spec(task), (int) settings.runningLease().toSeconds(), now);
                sends.add(producer.send(new ProducerRecord<>(Topics.TASKS, task.id().toString(), Messages.toJson(message))));
            }
            for (Future<RecordMetadata> send : sends) {
                send.get(30, TimeUnit.SECONDS);
            }
            return due.size();
        });
        if (released > 0) {
            LOG.debugf("Released %d tasks", released);
        }
    }

    private record Model(String id, String sha256) {
    }

    private static Model model(java.sql.Connection c, TaskRow task) throws java.sql.SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT m.id, m.bundle_sha256 FROM jobs j JOIN models m"
                + " ON m.id = j.model_id WHERE j.id = ?")) {
            s.setObject(1, task.jobId());
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return new Model(r.getString(1), r.getString(2));
            }
        }
    }

    private static TaskSpec spec(TaskRow task) throws java.io.IOException {
        if (TaskKind.of(task.kind()) != TaskKind.GENERATE) {
            throw new IllegalStateException("task " + task.id() + " has kind " + task.kind() + ", which cannot be released");
        }
        return Messages.mapper().readValue(task.spec(), GenerateTaskSpec.class);
    }
}
