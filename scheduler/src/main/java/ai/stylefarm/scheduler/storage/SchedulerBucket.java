package ai.stylefarm.scheduler.storage;

import ai.stylefarm.domain.storage.Bucket;
import ai.stylefarm.domain.storage.BucketSettings;
import ai.stylefarm.scheduler.config.SchedulerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The bucket as the scheduler uses it: manifests and reports it writes, cancel markers workers look for, and the
 * objects of deleted jobs and of outputs past their retention, which it removes.
 */
@ApplicationScoped
public class SchedulerBucket {
    @Produces
    @Singleton
    Bucket bucket(SchedulerConfig config) {
        SchedulerConfig.S3 s3 = config.s3();
        return new Bucket(new BucketSettings(s3.endpoint(), null, s3.region(), s3.accessKey(), s3.secretKey(),
                s3.bucket(), null));
    }

    void close(@Disposes Bucket bucket) {
        bucket.close();
    }
}
