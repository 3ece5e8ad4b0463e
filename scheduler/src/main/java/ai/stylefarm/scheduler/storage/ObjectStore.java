package ai.stylefarm.scheduler.storage;

import ai.stylefarm.scheduler.config.SchedulerConfig;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.RemoveObjectsArgs;
import io.minio.Result;
import io.minio.messages.DeleteError;
import io.minio.messages.DeleteObject;
import io.minio.messages.Item;
import io.minio.PutObjectArgs;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * What the scheduler writes to the bucket: manifests, and the cancel markers that workers look for; and what it
 * deletes there: deleted jobs, and outputs past their retention.
 */
@ApplicationScoped
public class ObjectStore {
    private final MinioClient client;
    private final String bucket;

    public ObjectStore(SchedulerConfig config) {
        SchedulerConfig.S3 s3 = config.s3();
        this.client = MinioClient.builder().endpoint(s3.endpoint()).region(s3.region())
                .credentials(s3.accessKey(), s3.secretKey()).build();
        this.bucket = s3.bucket();
    }

    public void upload(String key, java.nio.file.Path file, String contentType) {
        try {
            client.uploadObject(io.minio.UploadObjectArgs.builder().bucket(bucket).object(key).filename(file.toString())
                    .contentType(contentType).build());
        } catch (Exception e) {
            throw new IllegalStateException("could not store " + key + ": " + e.getMessage(), e);
        }
    }

    /** The object's content; the caller closes the stream. */
    public java.io.InputStream get(String key) {
        try {
            return client.getObject(io.minio.GetObjectArgs.builder().bucket(bucket).object(key).build());
        } catch (Exception e) {
            throw new IllegalStateException("could not read " + key + ": " + e.getMessage(), e);
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
        try {
            List<DeleteObject> batch = new ArrayList<>();
            int removed = 0;
            for (Result<Item> listed : client.listObjects(ListObjectsArgs.builder().bucket(bucket).prefix(prefix)
                    .recursive(true).build())) {
                batch.add(new DeleteObject(listed.get().objectName()));
                if (batch.size() == 1000 || removed + batch.size() == max) {
                    removed += removeAll(batch);
                    batch.clear();
                    if (removed == max) {
                        return removed;
                    }
                }
            }
            return removed + removeAll(batch);
        } catch (IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("could not delete under " + prefix + ": " + e.getMessage(), e);
        }
    }

    /** Every key under {@code prefix}, listed lazily page by page. */
    public Iterable<String> keysUnder(String prefix) {
        Iterable<Result<Item>> listed = client.listObjects(ListObjectsArgs.builder().bucket(bucket).prefix(prefix)
                .recursive(true).build());
        return () -> new java.util.Iterator<>() {
            private final java.util.Iterator<Result<Item>> items = listed.iterator();

            @Override
            public boolean hasNext() {
                return items.hasNext();
            }

            @Override
            public String next() {
                try {
                    return items.next().get().objectName();
                } catch (Exception e) {
                    throw new IllegalStateException("could not list " + prefix + ": " + e.getMessage(), e);
                }
            }
        };
    }

    /** Deletes these objects, a thousand per request. */
    public void remove(List<String> keys) {
        try {
            for (int from = 0; from < keys.size(); from += 1000) {
                List<DeleteObject> batch = new ArrayList<>();
                keys.subList(from, Math.min(keys.size(), from + 1000)).forEach(k -> batch.add(new DeleteObject(k)));
                removeAll(batch);
            }
        } catch (IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("could not delete objects: " + e.getMessage(), e);
        }
    }

    private int removeAll(List<DeleteObject> objects) throws Exception {
        if (objects.isEmpty()) {
            return 0;
        }
        for (Result<DeleteError> error : client.removeObjects(RemoveObjectsArgs.builder().bucket(bucket)
                .objects(List.copyOf(objects)).build())) {
            DeleteError e = error.get();
            throw new IllegalStateException("could not delete " + e.objectName() + ": " + e.message());
        }
        return objects.size();
    }

    public void put(String key, byte[] bytes, String contentType) {
        try {
            client.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
                    .stream(new ByteArrayInputStream(bytes), bytes.length, -1).contentType(contentType).build());
        } catch (Exception e) {
            throw new IllegalStateException("could not store " + key + ": " + e.getMessage(), e);
        }
    }
}
