package ai.stylefarm.cli;

import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code ./farm download JOB DIR}: resumable, checksum-verified download of a job's outputs. */
@Command(name = "download", mixinStandardHelpOptions = true,
        description = "Download a job's outputs; resumes where it stopped and checks every file's sha256.")
final class DownloadCommand implements Callable<Integer> {
    @Mixin
    FarmConnection farm;

    @Parameters(index = "0", paramLabel = "JOB")
    UUID job;

    @Parameters(index = "1", paramLabel = "DIR")
    Path dir;

    @Override
    public Integer call() {
        Downloader.Result result = Downloader.download(farm.client(), job, dir, true);
        System.out.printf("%d files fetched, %d already there and verified, in %s%n", result.fetched(), result.kept(),
                dir.toAbsolutePath());
        if (!result.mismatched().isEmpty()) {
            System.err.println("checksum mismatch (run again to retry): " + result.mismatched());
            return 1;
        }
        return 0;
    }
}
