package ai.stylefarm.gateway.storage;

import ai.stylefarm.domain.storage.Bucket;
import ai.stylefarm.domain.storage.BucketSettings;
import ai.stylefarm.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The bucket as the gateway uses it: model bundles and uploads it stores, small reports it reads, workers' drain
 * markers, and download links signed against the public endpoint.
 */
@ApplicationScoped
public class GatewayBucket {
    @Produces
    @Singleton
    Bucket bucket(GatewayConfig config) {
        GatewayConfig.S3 s3 = config.s3();
        return new Bucket(new BucketSettings(s3.endpoint(), s3.publicEndpoint().orElse(null), s3.region(),
                s3.accessKey(), s3.secretKey(), s3.bucket(), s3.presignExpiry()));
    }

    void close(@Disposes Bucket bucket) {
        bucket.close();
    }
}
