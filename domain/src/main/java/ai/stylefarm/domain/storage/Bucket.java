package ai.stylefarm.domain.storage;

import ai.stylefarm.domain.jobs.Page;
import ai.stylefarm.schemas.TaskEvent;
import io.minio.DownloadObjectArgs;
import io.minio.GetObjectArgs;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.RemoveObjectsArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.http.Method;
import io.minio.messages.DeleteError;
import io.minio.messages.DeleteObject;
import io.minio.messages.Item;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;

/**
 * The farm's one bucket, as every service uses it: whole objects in and out, write-once task outputs, listings,
 * deletion under a job's folder, and presigned download links. Wraps MinIO's client so that its nine checked
 * exceptions become one {@link StorageException} whose message a task event or a log line can carry.
 */
public final class Bucket implements AutoCloseable {
    /** Write only if the key is free: S3's conditional write, which MinIO and s3proxy honour too. */
    private static final Map<String, String> CREATE_ONLY = Map.of("If-None-Match", "*");
    /** S3's smallest part; a file up to 5 GiB goes in one PUT when its part size is at least its size. */
    private static final long MIN_PART_BYTES = 5L << 20;
    private static final int DELETE_BATCH = 1000;
    private static final long MAX_LINK_SECONDS = 7 * 24 * 3600;

    private final MinioClient client;
    private final MinioClient signer;
    private final String bucket;
    private final int linkSeconds;

    public Bucket(BucketSettings settings) {
        this(settings, null);
    }

    /** @param http the HTTP client to use (a worker's, tuned for many small PUTs); null for MinIO's default */
    public Bucket(BucketSettings settings, OkHttpClient http) {
        MinioClient.Builder builder = MinioClient.builder().endpoint(settings.endpoint()).region(settings.region())
                .credentials(settings.accessKey(), settings.secretKey());
        this.client = (http == null ? builder : builder.httpClient(http)).build();
        // Signing is local arithmetic with a fixed region: a link never costs a request.
        this.signer = MinioClient.builder().endpoint(settings.publicEndpoint() != null ? settings.publicEndpoint()
                        : settings.endpoint()).region(settings.region())
                .credentials(settings.accessKey(), settings.secretKey()).build();
        this.bucket = settings.bucket();
        this.linkSeconds = (int) Math.min(MAX_LINK_SECONDS, Math.max(1, settings.linkExpiry().toSeconds()));
    }

    public String name() {
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

    /** An object as the bucket lists it. */
    public record Listed(String key, long bytes) {
    }

    public void put(String key, byte[] bytes, String contentType) {
        try {
            client.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
                    .stream(new ByteArrayInputStream(bytes), bytes.length, -1).contentType(contentType).build());
        } catch (Exception e) {
            throw failure("cannot store", key, e);
        }
    }

    /** A file, in one PUT up to 5 GiB, so that no reader ever sees part of it. */
    public void upload(String key, Path file, String contentType) {
        try (InputStream in = Files.newInputStream(file)) {
            long size = Files.size(file);
            client.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
                    .stream(in, size, Math.max(size, MIN_PART_BYTES)).contentType(contentType).build());
        } catch (Exception e) {
            throw failure("cannot store", key, e);
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
            return new Stored(key, sha256(bytes), bytes.length, false);
        } catch (Exception e) {
            if (isPreconditionFailed(e)) {
                return adopt(key);
            }
            throw failure("cannot store", key, e);
        }
    }

    /** {@link #putIfAbsent(String, byte[], String)} for a file, in one PUT (up to 5 GiB). */
    public Stored uploadIfAbsent(String key, Path file, String contentType) {
        try (InputStream in = Files.newInputStream(file)) {
            long size = Files.size(file);
            client.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
                    .stream(in, size, Math.max(size, MIN_PART_BYTES)).contentType(contentType).headers(CREATE_ONLY)
                    .build());
            return new Stored(key, sha256(file), size, false);
        } catch (Exception e) {
            if (isPreconditionFailed(e)) {
                return adopt(key);
            }
            throw failure("cannot store", key, e);
        }
    }

    /** The sha256 and size of what {@code key} holds, read whole. */
    private Stored adopt(String key) {
        try (InputStream in = get(key)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long size = 0;
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
                size += n;
            }
            return new Stored(key, HexFormat.of().formatHex(sha.digest()), size, true);
        } catch (StorageException e) {
            throw e;
        } catch (Exception e) {
            throw failure("cannot read (stored by another attempt)", key, e);
        }
    }

    /**
     * The object's content; the caller closes the stream.
     *
     * @throws NotFoundException when there is none, so callers can tell "missing" from "unreachable"
     */
    public InputStream get(String key) {
        try {
            return client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build());
        } catch (Exception e) {
            throw failure("cannot read", key, e);
        }
    }

    /**
     * A small object whole.
     *
     * @throws NotFoundException when there is none; {@link TooLargeException} when it is larger than {@code maxBytes}
     */
    public byte[] read(String key, int maxBytes) {
        try (InputStream in = get(key)) {
            byte[] bytes = in.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw new TooLargeException(where(key) + " is larger than " + maxBytes + " bytes");
            }
            return bytes;
        } catch (StorageException e) {
            throw e;
        } catch (Exception e) {
            throw failure("cannot read", key, e);
        }
    }

    /** Downloads one object to {@code target}, which must not exist yet. */
    public void download(String key, Path target) {
        try {
            client.downloadObject(DownloadObjectArgs.builder().bucket(bucket).object(key)
                    .filename(target.toString()).build());
        } catch (Exception e) {
            throw failure("cannot read", key, e);
        }
    }

    /** Whether {@code key} exists; a storage failure is thrown, never reported as "missing". */
    public boolean exists(String key) {
        try {
            client.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build());
            return true;
        } catch (Exception e) {
            StorageException failure = failure("cannot check", key, e);
            if (failure instanceof NotFoundException) {
                return false;
            }
            throw failure;
        }
    }

    /** Up to {@code limit} objects under {@code prefix} in key order, after {@code startAfter} when given. */
    public Page<Listed> list(String prefix, String startAfter, int limit) {
        List<Listed> objects = new ArrayList<>();
        try {
            ListObjectsArgs.Builder args = ListObjectsArgs.builder().bucket(bucket).prefix(prefix).recursive(true)
                    .maxKeys(Math.min(1000, limit + 1));
            if (startAfter != null) {
                args.startAfter(startAfter);
            }
            for (Result<Item> listed : client.listObjects(args.build())) {
                Item item = listed.get();
                objects.add(new Listed(item.objectName(), item.size()));
                if (objects.size() > limit) {
                    break;
                }
            }
        } catch (Exception e) {
            throw failure("cannot list", prefix, e);
        }
        if (objects.size() <= limit) {
            return new Page<>(List.copyOf(objects), null);
        }
        List<Listed> page = List.copyOf(objects.subList(0, limit));
        return new Page<>(page, page.get(limit - 1).key());
    }

    /** Every key under {@code prefix}, listed lazily page by page. */
    public Iterable<String> keysUnder(String prefix) {
        Iterable<Result<Item>> listed = client.listObjects(ListObjectsArgs.builder().bucket(bucket).prefix(prefix)
                .recursive(true).build());
        return () -> new Iterator<>() {
            private final Iterator<Result<Item>> items = listed.iterator();

            @Override
            public boolean hasNext() {
                return items.hasNext();
            }

            @Override
            public String next() {
                try {
                    return items.next().get().objectName();
                } catch (Exception e) {
                    throw failure("cannot list", prefix, e);
                }
            }
        };
    }

    public void remove(String key) {
        try {
            client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
        } catch (Exception e) {
            throw failure("cannot delete", key, e);
        }
    }

    /** Deletes these objects, a thousand per request. */
    public void remove(List<String> keys) {
        for (int from = 0; from < keys.size(); from += DELETE_BATCH) {
            List<DeleteObject> batch = new ArrayList<>();
            keys.subList(from, Math.min(keys.size(), from + DELETE_BATCH)).forEach(k -> batch.add(new DeleteObject(k)));
            removeAll(batch);
        }
    }

    /**
     * Deletes up to {@code max} objects under {@code prefix}, a thousand per request.
     *
     * @return how many it deleted: fewer than {@code max} means none are left
     */
    public int removeUnder(String prefix, int max) {
        if (!prefix.endsWith("/") || prefix.indexOf('/') == prefix.length() - 1) {
            throw new IllegalArgumentException("refusing to delete under '" + prefix + "': not an object's folder");
        }
        List<DeleteObject> batch = new ArrayList<>();
        int removed = 0;
        for (String key : keysUnder(prefix)) {
            batch.add(new DeleteObject(key));
            if (batch.size() == DELETE_BATCH || removed + batch.size() == max) {
                removed += removeAll(batch);
                batch.clear();
                if (removed == max) {
                    return removed;
                }
            }
        }
        return removed + removeAll(batch);
    }

    private int removeAll(List<DeleteObject> objects) {
        if (objects.isEmpty()) {
            return 0;
        }
        try {
            for (Result<DeleteError> error : client.removeObjects(RemoveObjectsArgs.builder().bucket(bucket)
                    .objects(List.copyOf(objects)).build())) {
                DeleteError e = error.get();
                throw new StorageException("cannot delete " + where(e.objectName()) + ": " + e.message(), null);
            }
        } catch (StorageException e) {
            throw e;
        } catch (Exception e) {
            throw failure("cannot delete", objects.get(0).toString(), e);
        }
        return objects.size();
    }

    /** A GET link for {@code key} that expires after the configured time. */
    public String presign(String key) {
        try {
            return signer.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder().method(Method.GET).bucket(bucket)
                    .object(key).expiry(linkSeconds).build());
        } catch (Exception e) {
            throw failure("cannot sign a link for", key, e);
        }
    }

    @Override
    public void close() {
        for (MinioClient c : List.of(client, signer)) {
            try {
                c.close();
            } catch (Exception e) {
                // Only an HTTP connection pool is released here; nothing is lost if that fails.
            }
        }
    }

    private String where(String key) {
        return "s3://" + bucket + "/" + key;
    }

    private StorageException failure(String what, String key, Exception e) {
        if (e instanceof StorageException se) {
            return se;
        }
        if (e instanceof ErrorResponseException ere && ere.errorResponse() != null) {
            String code = ere.errorResponse().code();
            if ("NoSuchKey".equals(code) || "NoSuchObject".equals(code) || "NoSuchBucket".equals(code)) {
                return new NotFoundException(where(key) + " does not exist", e);
            }
            return new StorageException(what + " " + where(key) + ": " + code + " " + ere.errorResponse().message(), e);
        }
        String message = e.getMessage();
        return new StorageException(what + " " + where(key) + ": " + (message == null ? e.getClass().getSimpleName()
                : message), e);
    }

    private static boolean isPreconditionFailed(Exception e) {
        return e instanceof ErrorResponseException ere && ere.errorResponse() != null
                && "PreconditionFailed".equals(ere.errorResponse().code());
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
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
