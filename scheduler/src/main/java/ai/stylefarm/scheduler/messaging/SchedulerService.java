package ai.stylefarm.scheduler.messaging;

import ai.stylefarm.domain.lease.Leadership;
import ai.stylefarm.domain.messaging.KafkaClients;
import ai.stylefarm.domain.storage.Bucket;
import ai.stylefarm.scheduler.config.SchedulerConfig;
import ai.stylefarm.scheduler.duties.CancelSweeper;
import ai.stylefarm.scheduler.duties.DutyRunner;
import ai.stylefarm.scheduler.duties.JobFinalizer;
import ai.stylefarm.scheduler.duties.JobReaper;
import ai.stylefarm.scheduler.duties.LeaseReaper;
import ai.stylefarm.scheduler.duties.LeftoverSweeper;
import ai.stylefarm.scheduler.duties.OutputRetention;
import ai.stylefarm.scheduler.duties.PlanAhead;
import ai.stylefarm.scheduler.duties.TaskReleaser;
import ai.stylefarm.scheduler.metrics.FarmGauges;
import ai.stylefarm.scheduler.metrics.SchedulerMetrics;
import ai.stylefarm.scheduler.planning.JobIntake;
import ai.stylefarm.scheduler.planning.JobPlanner;
import ai.stylefarm.scheduler.planning.TaskEventIntake;
import ai.stylefarm.schemas.DeadLetters;
import ai.stylefarm.schemas.JobMessage;
import ai.stylefarm.schemas.TaskEvent;
import ai.stylefarm.schemas.Topics;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.jboss.logging.Logger;

/**
 * The scheduler's moving parts, started with the application: a consumer for jobs, one for task events, and the
 * periodic duties (cancel, leases, release, finalize). Stopped in reverse order on shutdown.
 */
@ApplicationScoped
public class SchedulerService {
    private static final Logger LOG = Logger.getLogger(SchedulerService.class);

    private final AgroalDataSource db;
    private final SchedulerConfig config;
    private final Bucket store;
    private KafkaProducer<String, byte[]> tasksProducer;
    private KafkaProducer<byte[], byte[]> deadLetterProducer;
    private MessageConsumer<JobMessage> jobs;
    private MessageConsumer<TaskEvent> events;
    private DutyRunner duties;
    private DutyRunner housekeeping;
    private Leadership leadership;
    private WorkerGroup workers;
    private Thread jobsThread;
    private Thread eventsThread;
    private final SchedulerMetrics metrics;
    private Admin gaugesAdmin;
    private ScheduledExecutorService gauges;

    public SchedulerService(AgroalDataSource db, SchedulerConfig config, Bucket store, MeterRegistry registry) {
        this.db = db;
        this.config = config;
        this.store = store;
        this.metrics = new SchedulerMetrics(registry);
    }

    void start(@Observes StartupEvent event) {
        SchedulerConfig.Scheduler settings = config.scheduler();
        Clock clock = Clock.systemUTC();
        tasksProducer = new KafkaProducer<>(KafkaClients.producer(config.kafka().bootstrap(), "scheduler-tasks"));
        deadLetterProducer = new KafkaProducer<>(KafkaClients.rawProducer(config.kafka().bootstrap(), "scheduler-dlq"));
        DeadLetters deadLetters = new DeadLetters(deadLetterProducer, Topics.SCHEDULER_GROUP);

        workers = new WorkerGroup(Admin.create(KafkaClients.admin(config.kafka().bootstrap(), "scheduler-workers")));
        JobPlanner planner = new JobPlanner(settings.seedsPerTask(), settings.framesPerTask());
        JobFinalizer finalizer = new JobFinalizer(db, store);
        leadership = new Leadership(db, "scheduler", System.getenv().getOrDefault("HOSTNAME", "scheduler") + "/"
                + ProcessHandle.current().pid());
        metrics.registry().gauge("stylefarm_scheduler_leader", leadership, l -> l.held() ? 1 : 0);
        duties = new DutyRunner("scheduler-duties", List.of(
                new CancelSweeper(db, store),
                new LeaseReaper(db, settings, clock, finalizer::finalizeIfDone, metrics),
                new PlanAhead(db, planner, settings.planWindow()),
                new TaskReleaser(db, tasksProducer, workers, settings, clock),
                finalizer), settings.tick(), leadership::holds);
        housekeeping = new DutyRunner("scheduler-housekeeping", List.of(new JobReaper(db, store, settings.deletionGrace()),
                new LeftoverSweeper(db, store, settings.deletionGrace()), new OutputRetention(db, store)),
                settings.housekeepingInterval(), leadership::holds);

        JobIntake intake = new JobIntake(db, store, planner, settings.planWindow());
        jobs = new MessageConsumer<>(consumer("scheduler-jobs"), Topics.JOBS, JobMessage.class,
                (message, record) -> {
                    if (intake.plan(message)) {
                        duties.nudge();
                    }
                }, deadLetters);
        TaskEventIntake eventIntake = new TaskEventIntake(db, settings, clock, metrics);
        events = new MessageConsumer<>(consumer("scheduler-events"), Topics.TASK_EVENTS,
                TaskEvent.class, (message, record) -> {
                    switch (eventIntake.apply(message)) {
                        case TASK_ENDED -> {
                            finalizer.finalizeIfDone(message.jobId());
                            duties.nudge();
                        }
                        case RETRY_SCHEDULED -> duties.nudge();
                        default -> {
                        }
                    }
                }, deadLetters);

        duties.start();
        housekeeping.start();
        gaugesAdmin = Admin.create(KafkaClients.admin(config.kafka().bootstrap(), "scheduler-gauges"));
        FarmGauges farmGauges = new FarmGauges(db, gaugesAdmin, metrics.registry());
        gauges = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "farm-gauges");
            t.setDaemon(true);
            return t;
        });
        gauges.scheduleWithFixedDelay(farmGauges, 0, FarmGauges.PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        jobsThread = start(jobs, "jobs-consumer");
        eventsThread = start(events, "task-events-consumer");
        LOG.infof("Scheduler running: %d seeds per task, %d tasks in flight per worker, %d attempts, lease %ds",
                settings.seedsPerTask(), settings.tasksPerWorker(), settings.maxAttempts(),
                settings.runningLease().toSeconds());
    }

    private static Thread start(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        if (gauges != null) {
            gauges.shutdownNow();
            gaugesAdmin.close(Duration.ofSeconds(5));
        }
        if (jobs != null) {
            jobs.shutdown();
            events.shutdown();
            jobsThread.join(10_000);
            eventsThread.join(10_000);
        }
        if (duties != null) {
            duties.close();
            housekeeping.close();
            leadership.close();
        }
        if (tasksProducer != null) {
            tasksProducer.close(Duration.ofSeconds(5));
            deadLetterProducer.close(Duration.ofSeconds(5));
            workers.close();
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer(String clientId) {
        return new KafkaConsumer<>(KafkaClients.consumer(config.kafka().bootstrap(), Topics.SCHEDULER_GROUP, clientId,
                200));
    }
}
