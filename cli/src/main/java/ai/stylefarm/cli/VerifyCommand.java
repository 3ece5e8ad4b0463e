package ai.stylefarm.cli;

import ai.stylefarm.cli.client.GatewayClient;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code ./farm verify JOB}: re-reads every stored output and compares it with the records and the manifest. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Check a job's stored outputs against its records and manifest: every object re-read, its size"
                + " and sha256 compared; objects without records and records without objects listed.",
                "Exit status: 0 intact, 1 something differs."})
final class VerifyCommand implements Callable<Integer> {
    @Mixin
    FarmConnection farm;

    @Parameters(paramLabel = "JOB")
    String ref;

    @Override
    public Integer call() {
        GatewayClient client = farm.client();
        UUID job = client.resolveJob(ref);
        Verifier.Report report = Verifier.verify(client, job);
        report.problems().forEach(System.out::println);
        String partial = report.partial() ? " (the job is " + report.state() + ": its outputs are partial)" : "";
        System.out.printf("job %s: %d objects, %d records, %d manifest lines: %s%s%n", job, report.objects(),
                report.records(), report.manifestLines(), report.intact() ? "intact"
                        : report.problems().size() + " differences", partial);
        return report.intact() ? 0 : 1;
    }
}
