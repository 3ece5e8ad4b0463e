package ai.stylefarm.scheduler.storage;

import ai.stylefarm.scheduler.config.SchedulerConfig;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayInputStream;

/** What the scheduler writes to the bucket: manifests, and the cancel markers that workers look for. */
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

    public void put(String key, byte[] bytes, String contentType) {
        try {
            client.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
                    .stream(new ByteArrayInputStream(bytes), bytes.length, -1).contentType(contentType).build());
        } catch (Exception e) {
            throw new IllegalStateException("could not store " + key + ": " + e.getMessage(), e);
        }
    }
}
