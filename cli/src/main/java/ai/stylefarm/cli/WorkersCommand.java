package ai.stylefarm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code ./farm workers [list|drain|undrain]}: the render workers, and taking one out of rotation. */
@Command(name = "workers", mixinStandardHelpOptions = true, description = "List the workers, or drain one (it finishes its task and takes no more).",
        subcommands = {WorkersCommand.ListWorkers.class, WorkersCommand.Drain.class, WorkersCommand.Undrain.class})
final class WorkersCommand {

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The workers heard from in the last day.")
    static final class ListWorkers implements Callable<Integer> {
        @Mixin
        FarmConnection farm;

        @Override
        public Integer call() {
            System.out.printf("%-28s %-9s %-6s %8s  %s%n", "WORKER", "STATUS", "DEVICE", "SEEN", "TASK");
            for (JsonNode w : farm.client().workers()) {
                String task = w.path("current_job").isTextual()
                        ? w.path("current_job").asText() + "#" + w.path("current_task").asInt() : "-";
                System.out.printf("%-28s %-9s %-6s %7.1fs  %s%n", w.path("id").asText(), w.path("status").asText(),
                        w.path("device_kind").asText("?"), w.path("heartbeat_age_seconds").asDouble(), task);
            }
            return 0;
        }
    }

    abstract static class Toggle implements Callable<Integer> {
        @Mixin
        FarmConnection farm;

        @Parameters(paramLabel = "WORKER", description = "the worker's id, as ./farm workers list shows it")
        String worker;

        abstract boolean drain();

        @Override
        public Integer call() {
            JsonNode w = farm.client().drain(worker, drain());
            System.out.println("worker " + w.path("id").asText() + ": " + w.path("status").asText());
            return 0;
        }
    }

    @Command(name = "drain", mixinStandardHelpOptions = true,
            description = "Drain a worker: it finishes its task, then leaves the group and takes no more.")
    static final class Drain extends Toggle {
        @Override
        boolean drain() {
            return true;
        }
    }

    @Command(name = "undrain", mixinStandardHelpOptions = true, description = "Put a drained worker back to work.")
    static final class Undrain extends Toggle {
        @Override
        boolean drain() {
            return false;
        }
    }
}
