package ai.stylefarm.scheduler.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The scheduler's settings, under {@code stylefarm.}; defaults point at the embedded stack on 127.0.0.1. */
@ConfigMapping(prefix = "stylefarm")
public interface SchedulerConfig {

    Kafka kafka();

    S3 s3();

    Scheduler scheduler();

    interface Kafka {
        @WithDefault("127.0.0.1:9092")
        String bootstrap();
    }

    interface S3 {
        @WithDefault("http://127.0.0.1:9000")
        String endpoint();

        @WithDefault("stylefarm")
        String accessKey();

        @WithDefault("stylefarm-secret")
        String secretKey();

        @WithDefault("stylefarm")
        String bucket();

        @WithDefault("us-east-1")
        String region();
    }

    interface Scheduler {
        /**
         * Seeds per generate task: large enough to amortise a task's fixed cost (events, commits, the last uploads),
         * small enough to spread a job over many workers. At 64x64 on CPU, 32 gave 77 % of the bare loop's
         * throughput and 64 gave 96 % (infra/bench/farm-bench.sh). A multiple of the worker batch size.
         */
        @WithDefault("64")
        int seedsPerTask();

        /**
         * Frames per interpolation task, each task one H.264 segment starting with a keyframe: 120 frames is two
         * seconds at 60 fps, the encoder's keyframe interval, so splitting costs no extra keyframes. A job's
         * {@code frames_per_task} overrides it.
         */
        @WithDefault("120")
        int framesPerTask();

        /**
         * Tasks released to each worker at once (one running, one queued behind it): small, so that a new
         * high-priority job waits behind at most one task per worker, and enough to keep a worker busy.
         */
        @WithDefault("2")
        int tasksPerWorker();

        /** Cap on tasks released (queued or running) across all workers. */
        @WithDefault("256")
        int maxTasksInFlight();

        /** Tasks of a job created at once; the next window follows when fewer than this are left waiting. */
        @WithDefault("256")
        int planWindow();

        /** Issues of a task before it fails for good. */
        @WithDefault("3")
        int maxAttempts();

        /** First retry delay; it doubles with each attempt, up to {@link #retryBackoffMax()}. */
        @WithDefault("PT2S")
        Duration retryBackoff();

        @WithDefault("PT1M")
        Duration retryBackoffMax();

        /** A running task with no heartbeat for this long is re-issued. Workers beat well inside it. */
        @WithDefault("PT60S")
        Duration runningLease();

        /** A released task that no worker starts within this long is re-issued (its message may be lost). */
        @WithDefault("PT10M")
        Duration releasedLease();

        /** How often the periodic duties (release, leases, cancels, finalizing) run. */
        @WithDefault("PT0.2S")
        Duration tick();

        /**
         * How often housekeeping runs: removing the objects and rows of deleted jobs, and the outputs of finished
         * jobs past their tenant's retention period. It runs on its own thread, so a large deletion never delays
         * releases or leases.
         */
        @WithDefault("PT10S")
        Duration housekeepingInterval();

        /**
         * How long an ended job's objects settle before housekeeping removes any (a deleted job's, or what a failed
         * or cancelled job's unfinished tasks left without a record): a worker told to stop may still be storing its
         * last output, which would otherwise be left behind with no row to find it by.
         */
        @WithDefault("PT30S")
        Duration deletionGrace();
    }
}
