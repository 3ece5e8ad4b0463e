package ai.stylefarm.worker;

import ai.stylefarm.domain.storage.Bucket;
import ai.stylefarm.domain.storage.BucketSettings;
import io.minio.http.HttpUtils;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;

/** The bucket as a worker reaches it: many small PUTs, each sent at once (no Nagle delay on its last packet). */
final class WorkerBucket {
    /** MinIO's own client defaults: 5 minutes to connect, write and read. */
    private static final long TIMEOUT_MILLIS = TimeUnit.MINUTES.toMillis(5);

    private WorkerBucket() {
    }

    static Bucket open(WorkerConfig config) {
        OkHttpClient http = HttpUtils.newDefaultHttpClient(TIMEOUT_MILLIS, TIMEOUT_MILLIS, TIMEOUT_MILLIS).newBuilder()
                .socketFactory(new NoDelaySocketFactory()).build();
        return new Bucket(BucketSettings.of(config.s3Endpoint(), config.s3AccessKey(), config.s3SecretKey(),
                config.s3Bucket()), http);
    }
}
