package ai.stylefarm.gateway.storage;

import ai.stylefarm.domain.jobs.Page;
import ai.stylefarm.gateway.config.GatewayConfig;
import io.minio.GetObjectArgs;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.RemoveObjectsArgs;
import io.minio.Result;
import io.minio.UploadObjectArgs;
import io.minio.http.Method;
import io.minio.messages.DeleteError;
import io.minio.messages.DeleteObject;
import io.minio.messages.Item;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The gateway's view of the bucket: it uploads model bundles, reads small reports and signs download links. Links are signed against
 * the public endpoint, with a fixed region, so signing is local arithmetic and never a request.
 */
@ApplicationScoped
public class ObjectStorage {
    private final MinioClient client;
    private final MinioClient signer;
    private final String bucket;
    private final int expirySeconds;

    public ObjectStorage(GatewayConfig config) {
        GatewayConfig.S3 s3 = config.s3();
        this.client = MinioClient.builder().endpoint(s3.endpoint()).region(s3.region())
                .credentials(s3.accessKey(), s3.secretKey()).build();
        this.signer = MinioClient.builder().endpoint(s3.publicEndpoint().orElse(s3.endpoint())).region(s3.region())
                .credentials(s3.accessKey(), s3.secretKey()).build();
        this.bucket = s3.bucket();
        this.expirySeconds = (int) Math.min(7 * 24 * 3600, s3.presignExpiry().toSeconds());
    }

    public void upload(String key, Path file, String contentType) {
        try {
            client.uploadObject(UploadObjectArgs.builder().bucket(bucket).object(key).filename(file.toString())
                    .contentType(contentType).build());
        } catch (Exception e) {
            throw new StorageException("could not store " + key + ": " + e.getMessage(), e);
        }
    }

    /** A small object from memory (a control marker). */
    public void write(String key, byte[] bytes, String contentType) {
        try {
            client.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
                    .stream(new java.io.ByteArrayInputStream(bytes), bytes.length, -1).contentType(contentType).build());
        } catch (Exception e) {
            throw new StorageException("could not store " + key + ": " + e.getMessage(), e);
        }
    }

    /** A small object whole (a report, a target's metrics). */
    public byte[] read(String key) {
        try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
            return in.readAllBytes();
        } catch (Exception e) {
            throw new StorageException("could not read " + key + ": " + e.getMessage(), e);
        }
    }

    /** An object as the bucket lists it. */
    public record StoredObject(String key, long bytes) {
    }

    /** Up to {@code limit} objects under {@code prefix} in key order, after {@code startAfter} when given. */
    public Page<StoredObject> list(String prefix, String startAfter, int limit) {
        List<StoredObject> objects = new ArrayList<>();
        try {
            ListObjectsArgs.Builder args = ListObjectsArgs.builder().bucket(bucket).prefix(prefix).recursive(true)
                    .maxKeys(Math.min(1000, limit + 1));
            if (startAfter != null) {
                args.startAfter(startAfter);
            }
            for (Result<Item> listed : client.listObjects(args.build())) {
                Item item = listed.get();
                objects.add(new StoredObject(item.objectName(), item.size()));
                if (objects.size() > limit) {
                    break;
                }
            }
        } catch (Exception e) {
            throw new StorageException("could not list " + prefix + ": " + e.getMessage(), e);
        }
        if (objects.size() <= limit) {
            return new Page<>(List.copyOf(objects), null);
        }
        List<StoredObject> page = List.copyOf(objects.subList(0, limit));
        return new Page<>(page, page.get(limit - 1).key());
    }

    public void remove(String key) {
        try {
            client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
        } catch (Exception e) {
            throw new StorageException("could not delete " + key + ": " + e.getMessage(), e);
        }
    }

    /** Deletes every object under {@code prefix}, a thousand per request. */
    public void removePrefix(String prefix) {
        if (!prefix.endsWith("/") || prefix.length() < 2) {
            throw new IllegalArgumentException("refusing to delete under '" + prefix + "': not a folder");
        }
        try {
            List<DeleteObject> batch = new ArrayList<>();
            for (Result<Item> listed : client.listObjects(ListObjectsArgs.builder().bucket(bucket).prefix(prefix)
                    .recursive(true).build())) {
                batch.add(new DeleteObject(listed.get().objectName()));
                if (batch.size() == 1000) {
                    removeAll(batch);
                    batch.clear();
                }
            }
            removeAll(batch);
        } catch (StorageException e) {
            throw e;
        } catch (Exception e) {
            throw new StorageException("could not delete under " + prefix + ": " + e.getMessage(), e);
        }
    }

    private void removeAll(List<DeleteObject> objects) throws Exception {
        if (objects.isEmpty()) {
            return;
        }
        for (Result<DeleteError> error : client.removeObjects(RemoveObjectsArgs.builder().bucket(bucket)
                .objects(objects).build())) {
            DeleteError e = error.get();
            throw new StorageException("could not delete " + e.objectName() + ": " + e.message(), null);
        }
    }

    /** A GET link for {@code key} that expires after the configured time. */
    public String presign(String key) {
        try {
            return signer.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder().method(Method.GET).bucket(bucket)
                    .object(key).expiry(expirySeconds).build());
        } catch (Exception e) {
            throw new StorageException("could not sign a link for " + key + ": " + e.getMessage(), e);
        }
    }

    public static final class StorageException extends RuntimeException {
        StorageException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
