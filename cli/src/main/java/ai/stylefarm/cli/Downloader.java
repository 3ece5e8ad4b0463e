package ai.stylefarm.cli;

import ai.stylefarm.cli.client.GatewayClient;
import ai.stylefarm.modelkit.io.Hashing;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Downloads a job's outputs into a directory, resumably: a file already there with the sha256 the farm recorded
 * is kept, anything else is fetched to a {@code .part} file, checked, and only then moved into place. Running it
 * again after an interruption fetches only what is missing.
 */
final class Downloader {
    private static final int PARALLEL = 4;

    /**
     * What a download did: files fetched, files already there, files whose checksum differed from their record
     * (not kept), and files recorded but not in storage.
     */
    record Result(int fetched, int kept, List<String> mismatched, List<String> missing) {
        boolean complete() {
            return mismatched.isEmpty() && missing.isEmpty();
        }
    }

    private Downloader() {
    }

    static Result download(GatewayClient client, UUID job, Path dir, boolean showProgress) {
        List<JsonNode> artifacts = client.artifacts(job);
        String prefix = "jobs/" + job + "/";
        Progress progress = showProgress ? new Progress(artifacts.size(), "files") : null;
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            List<String> mismatched = java.util.Collections.synchronizedList(new ArrayList<>());
            List<String> missing = java.util.Collections.synchronizedList(new ArrayList<>());
            for (JsonNode a : artifacts) {
                String key = a.path("key").asText();
                Path target = dir.resolve(key.startsWith(prefix) ? key.substring(prefix.length()) : key).normalize();
                if (!target.startsWith(dir.normalize())) {
                    throw new IllegalStateException("refusing to write outside " + dir + ": " + key);
                }
                String sha256 = a.path("sha256").asText();
                results.add(pool.submit(() -> {
                    boolean fetched = fetch(client, a.path("url").asText(), target, sha256, mismatched, missing);
                    if (progress != null) {
                        synchronized (progress) {
                            progress.advance();
                        }
                    }
                    return fetched;
                }));
            }
            int fetched = 0;
            for (Future<Boolean> r : results) {
                try {
                    fetched += r.get() ? 1 : 0;
                } catch (java.util.concurrent.ExecutionException e) {
                    Throwable cause = e.getCause();
                    throw cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
            if (progress != null) {
                progress.finish();
            }
            return new Result(fetched, artifacts.size() - fetched - missing.size(), List.copyOf(mismatched),
                    List.copyOf(missing));
        } finally {
            pool.shutdownNow();
        }
    }

    /** @return true if the file was fetched, false if a verified copy was already there */
    private static boolean fetch(GatewayClient client, String url, Path target, String sha256, List<String> mismatched,
                                 List<String> missing) {
        try {
            if (Files.isRegularFile(target) && Hashing.sha256(target).equals(sha256)) {
                return false;
            }
            Path part = target.resolveSibling(target.getFileName() + ".part");
            try {
                client.download(url, part);
            } catch (GatewayClient.ApiError e) {
                if (e.status() != 404) {
                    throw e;
                }
                missing.add(target.toString());
                return false;
            }
            if (!Hashing.sha256(part).equals(sha256)) {
                Files.deleteIfExists(part);
                mismatched.add(target.toString());
                return true;
            }
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
