package ai.stylefarm.domain.storage;

import java.time.Duration;

/**
 * Where the bucket is and how to reach it.
 *
 * @param publicEndpoint what download links name, when clients reach storage by another address than the services;
 *                       null for the same
 * @param linkExpiry     how long a presigned link works (S3 caps it at 7 days)
 */
public record BucketSettings(String endpoint, String publicEndpoint, String region, String accessKey,
                             String secretKey, String bucket, Duration linkExpiry) {
    public static final String DEFAULT_REGION = "us-east-1";

    public BucketSettings {
        region = region == null ? DEFAULT_REGION : region;
        linkExpiry = linkExpiry == null ? Duration.ofHours(1) : linkExpiry;
    }

    /** A bucket the services reach at {@code endpoint}, links signed for the same address. */
    public static BucketSettings of(String endpoint, String accessKey, String secretKey, String bucket) {
        return new BucketSettings(endpoint, null, null, accessKey, secretKey, bucket, null);
    }
}
