package ai.stylefarm.gateway.storage;

import ai.stylefarm.gateway.config.GatewayConfig;
import io.minio.GetObjectArgs;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.MinioClient;
import io.minio.UploadObjectArgs;
import io.minio.http.Method;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.InputStream;
import java.nio.file.Path;

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

    /** A small object whole (a report, a target's metrics). */
    public byte[] read(String key) {
        try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
            return in.readAllBytes();
        } catch (Exception e) {
            throw new StorageException("could not read " + key + ": " + e.getMessage(), e);
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
