package ai.stylefarm.worker;

import ai.stylefarm.modelkit.io.Hashing;
import ai.stylefarm.schemas.TaskEvent;
import io.minio.DownloadObjectArgs;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.http.HttpUtils;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;

/**
 * The worker's view of object storage: one bucket, whole objects in and out. Wraps MinIO's client so that its
 * nine checked exceptions become one {@link StorageException} with a message a task event can carry.
 */
public final class ObjectStore implements AutoCloseable {
    private final MinioClient client;
    private final String bucket;

    /** Write only if the key is free: S3's conditional write, which MinIO and s3proxy honour too. */
    private static final Map<String, String> CREATE_ONLY = Map.of("If-None-Match", "*");
    /** S3's smallest part; a file up to 5 GiB goes in one PUT when its part size is at least its size. */
    private static final long MIN_PART_BYTES = 5L << 20;

    /** MinIO's own client defaults: 5 minutes to connect, write and read. */
    private static final long TIMEOUT_MILLIS = TimeUnit.MINUTES.toMillis(5);

    public ObjectStore(String endpoint, String accessKey, String secretKey, String bucket) {
        OkHttpClient http = HttpUtils.newDefaultHttpClient(TIMEOUT_MILLIS, TIMEOUT_MILLIS, TIMEOUT_MILLIS).newBuilder()
                .socketFactory(new NoDelaySocketFactory()).build();
        this.client = MinioClient.builder().endpoint(endpoint).credentials(accessKey, secretKey).httpClient(http)
                .build();
        this.bucket = bucket;
    }

    public static ObjectStore of(WorkerConfig config) {
        return new ObjectStore(config.s3Endpoint(), config.s3AccessKey(), config.s3SecretKey(), config.s3Bucket());
    }

    public String bucket() {
        return bucket;
    }

    /**
     * What a key holds once a write-once store returns: the object's sha256 and size, and whether they are another
     * writer's (an earlier attempt of the same task, or one Kafka handed the same attempt) rather than this one's.
     */
    public record Stored(String key, String sha256, long bytes, boolean adopted) {
        public TaskEvent.Output output(Long seed) {
            return new TaskEvent.Output(seed, key, sha256, bytes);
        }
    }

    /**
     * Stores {@code bytes} at {@code key} unless the key holds an object already: task outputs are written once.
     * Whatever a task reports then is what storage holds, whichever writer came first, so a task's record always
     * equals its object, and a late writer (a worker whose lease expired while it went on) changes nothing.
     */
    public Stored putIfAbsent(String key, byte[] bytes, String contentType) {
        try {
            client.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
                    .stream(new ByteArrayInputStream(bytes), bytes.length, -1).contentType(contentType)
                    .headers(CREATE_ONLY).build());
            return new Stored(key, Hashing.sha256(bytes), bytes.length, false);
        } catch (Exception e) {
            if (isPreconditionFailed(e)) {
                return adopt(key);
            }
            throw new StorageException("cannot store s3://" + bucket + "/" + key + ": " + describe(e), e);
        }
    }

    /** {@link #putIfAbsent(String, byte[], String)} for a file, in one PUT (up to 5 GiB), so no reader sees part of it. */
    public Stored uploadIfAbsent(String key, Path file, String contentType) {
        try (InputStream in = Files.newInputStream(file)) {
            long size = Files.size(file);
            client.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
                    .stream(in, size, Math.max(size, MIN_PART_BYTES)).contentType(contentType).headers(CREATE_ONLY)
                    .build());
            return new Stored(key, Hashing.sha256(file), size, false);
        } catch (Exception e) {
            if (isPreconditionFailed(e)) {
                return adopt(key);
            }
            throw new StorageException("cannot store s3://" + bucket + "/" + key + ": " + describe(e), e);
        }
    }

    /** The sha256 and size of what {@code key} holds, read whole. */
    private Stored adopt(String key) {
        try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long size = 0;
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
                size += n;
            }
            return new Stored(key, HexFormat.of().formatHex(sha.digest()), size, true);
        } catch (Exception e) {
            throw new StorageException("cannot read s3://" + bucket + "/" + key + " (stored by another attempt): "
                    + describe(e), e);
        }
    }

    private static boolean isPreconditionFailed(Exception e) {
        return e instanceof ErrorResponseException ere && ere.errorResponse() != null
                && "PreconditionFailed".equals(ere.errorResponse().code());
    }

    /**
     * Downloads one object to {@code target}, which must not exist yet.
     *
     * @throws NotFoundException when there is no such object, so callers can tell "missing" from "unreachable"
     */
    public void download(String key, Path target) {
        try {
            client.downloadObject(DownloadObjectArgs.builder().bucket(bucket).object(key)
                    .filename(target.toString()).build());
        } catch (ErrorResponseException e) {
            String code = e.errorResponse() == null ? null : e.errorResponse().code();
            if ("NoSuchKey".equals(code) || "NoSuchObject".equals(code) || "NoSuchBucket".equals(code)) {
                throw new NotFoundException("s3://" + bucket + "/" + key + " does not exist", e);
            }
            throw new StorageException("cannot read s3://" + bucket + "/" + key + ": " + describe(e), e);
        } catch (Exception e) {
            throw new StorageException("cannot read s3://" + bucket + "/" + key + ": " + describe(e), e);
        }
    }

    /**
     * Reads a small object whole.
     *
     * @throws NotFoundException when there is none; {@link TooLargeException} when it is larger than {@code maxBytes}
     */
    public byte[] read(String key, int maxBytes) {
        try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
            byte[] bytes = in.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw new TooLargeException("s3://" + bucket + "/" + key + " is larger than " + maxBytes + " bytes");
            }
            return bytes;
        } catch (ErrorResponseException e) {
            String code = e.errorResponse() == null ? null : e.errorResponse().code();
            if ("NoSuchKey".equals(code) || "NoSuchObject".equals(code) || "NoSuchBucket".equals(code)) {
                throw new NotFoundException("s3://" + bucket + "/" + key + " does not exist", e);
            }
            throw new StorageException("cannot read s3://" + bucket + "/" + key + ": " + describe(e), e);
        } catch (StorageException e) {
            throw e;
        } catch (Exception e) {
            throw new StorageException("cannot read s3://" + bucket + "/" + key + ": " + describe(e), e);
        }
    }

    /** Whether {@code key} exists; a storage failure is thrown, never reported as "missing". */
    public boolean exists(String key) {
        try {
            client.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build());
            return true;
        } catch (ErrorResponseException e) {
            String code = e.errorResponse() == null ? null : e.errorResponse().code();
            if ("NoSuchKey".equals(code) || "NoSuchObject".equals(code)) {
                return false;
            }
            throw new StorageException("cannot check s3://" + bucket + "/" + key + ": " + describe(e), e);
        } catch (Exception e) {
            throw new StorageException("cannot check s3://" + bucket + "/" + key + ": " + describe(e), e);
        }
    }

    private static String describe(Exception e) {
        if (e instanceof ErrorResponseException ere && ere.errorResponse() != null) {
            return ere.errorResponse().code() + " " + ere.errorResponse().message();
        }
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (Exception e) {
            // Only the HTTP connection pool is released here; nothing is lost if that fails.
        }
    }

    /** Object storage could not be reached or refused a request; another attempt may succeed. */
    public static class StorageException extends RuntimeException {
        public StorageException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public static final class TooLargeException extends StorageException {
        public TooLargeException(String message) {
            super(message, null);
        }
    }

    public static final class NotFoundException extends StorageException {
        public NotFoundException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
