package ai.stylefarm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import ai.stylefarm.cli.client.GatewayClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** The operator's controls of one job: {@code ./farm pause|resume|requeue ID} and {@code ./farm priority ID P}. */
final class JobControlCommands {
    private JobControlCommands() {
    }

    abstract static class Control implements Callable<Integer> {
        @Mixin
        FarmConnection farm;

        @Parameters(paramLabel = "ID", description = "the job: its id or the start of it")
        String ref;

        abstract String action();

        @Override
        public Integer call() {
            GatewayClient client = farm.client();
            JsonNode job = client.control(client.resolveJob(ref), action());
            System.out.println(JobFollower.describe(job));
            return 0;
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true,
            description = "Pause a job: no further task is released; those already out finish.")
    static final class Pause extends Control {
        @Override
        String action() {
            return "pause";
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume a paused job.")
    static final class Resume extends Control {
        @Override
        String action() {
            return "resume";
        }
    }

    @Command(name = "requeue", mixinStandardHelpOptions = true,
            description = "Run a failed job's failed tasks again, in place; what succeeded stays.")
    static final class Requeue extends Control {
        @Override
        String action() {
            return "requeue";
        }
    }

    @Command(name = "priority", mixinStandardHelpOptions = true,
            description = "Change a job's priority while it runs: 0 to 9 (higher first), interactive, normal or bulk.")
    static final class Priority implements Callable<Integer> {
        @Mixin
        FarmConnection farm;

        @Parameters(index = "0", paramLabel = "ID", description = "the job: its id or the start of it")
        String ref;

        @Parameters(index = "1", paramLabel = "PRIORITY")
        String priority;

        @Override
        public Integer call() {
            GatewayClient client = farm.client();
            System.out.println(JobFollower.describe(client.setPriority(client.resolveJob(ref), priority)));
            return 0;
        }
    }
}
