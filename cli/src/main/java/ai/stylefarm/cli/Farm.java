package ai.stylefarm.cli;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** {@code ./farm}: the one entry point for StyleFarm users. */
@Command(name = "farm", mixinStandardHelpOptions = true, version = "StyleFarm 0.1.0",
        description = "StyleFarm: batch rendering farm for StyleGAN2 generators.",
        subcommands = {DemoCommand.class, UpCommand.class, DownCommand.class, StatusCommand.class,
                GenerateCommand.class, StyleMixCommand.class, InterpolateCommand.class, ProjectCommand.class, CalibrateCommand.class, JobsCommand.class, JobCommand.class, CancelCommand.class, JobControlCommands.Pause.class,
                JobControlCommands.Resume.class, JobControlCommands.Requeue.class, JobControlCommands.Priority.class,
                WorkersCommand.class, OpenCommand.class, DownloadCommand.class, VerifyCommand.class, ModelsCommand.class, RestartCommand.class,
                RenderCommand.class, BenchCommand.class, FarmBenchCommand.class, VideoBenchCommand.class, ProjectionBenchCommand.class, DetectionBenchCommand.class,
                DashboardBenchCommand.class, SuperviseCommand.class})
public final class Farm implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * The commands people run many times a day, which build only themselves: picocli reads every subcommand's
     * annotations when it builds the whole tree, about 0.4 s of each call (README: "CLI start-up").
     */
    private static final Map<String, Supplier<Object>> QUICK = Map.of("jobs", JobsCommand::new, "job", JobCommand::new,
            "status", StatusCommand::new);

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** What {@code ./farm args} does: the quick commands on their own, everything else through the whole tree. */
    static int run(String... args) {
        Supplier<Object> quick = args.length > 0 ? QUICK.get(args[0]) : null;
        if (quick == null) {
            return commandLine().execute(args);
        }
        CommandLine cl = withHandlers(new CommandLine(quick.get()));
        cl.setCommandName("farm " + args[0]);
        return cl.execute(Arrays.copyOfRange(args, 1, args.length));
    }

    static CommandLine commandLine() {
        return withHandlers(new CommandLine(new Farm()));
    }

    private static CommandLine withHandlers(CommandLine cl) {
        // A user error is one readable line, not a stack trace and not the whole usage.
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("error: " + describe(ex));
            return ex instanceof RuntimeException ? 2 : 1;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine cmd = ex.getCommandLine();
            cmd.getErr().println("error: " + ex.getMessage() + " (" + cmd.getCommandSpec().qualifiedName() + " --help"
                    + " lists the options)");
            return 2;
        });
        return cl;
    }

    /** What went wrong in the user's words: a missing file is named as such, never by its exception's class. */
    static String describe(Throwable ex) {
        Throwable e = ex;
        while ((e instanceof java.io.UncheckedIOException || e.getMessage() == null) && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof java.nio.file.NoSuchFileException || e instanceof java.io.FileNotFoundException) {
            return "no such file: " + e.getMessage().replaceFirst(" \\(No such file or directory\\)$", "");
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied: " + e.getMessage();
        }
        return e.getMessage() != null ? e.getMessage() : "unexpected " + e.getClass().getSimpleName();
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
