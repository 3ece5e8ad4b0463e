package ai.stylefarm.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * The gateway's settings, under {@code stylefarm.}. Defaults point at the embedded stack on 127.0.0.1; a
 * production deployment sets the endpoints and credentials (e.g. {@code STYLEFARM_KAFKA_BOOTSTRAP}).
 */
@ConfigMapping(prefix = "stylefarm")
public interface GatewayConfig {

    Kafka kafka();

    S3 s3();

    Api api();

    Bootstrap bootstrap();

    Outbox outbox();

    interface Kafka {
        /** Kafka bootstrap servers. */
        @WithDefault("127.0.0.1:9092")
        String bootstrap();
    }

    interface S3 {
        /** S3 or MinIO endpoint the gateway talks to. */
        @WithDefault("http://127.0.0.1:9000")
        String endpoint();

        /** Endpoint written into presigned links, when clients reach storage by another name (a proxy, DNS). */
        Optional<String> publicEndpoint();

        @WithDefault("stylefarm")
        String accessKey();

        @WithDefault("stylefarm-secret")
        String secretKey();

        @WithDefault("stylefarm")
        String bucket();

        /** Signing region; set, so that presigning never asks the server for the bucket's location. */
        @WithDefault("us-east-1")
        String region();

        /** Lifetime of presigned download links. */
        @WithDefault("PT1H")
        Duration presignExpiry();
    }

    interface Api {
        /** Largest JSON request body, in bytes; larger ones get 413. */
        @WithDefault("1048576")
        int maxJsonBytes();

        /** Largest model upload, in bytes; larger ones get 413. */
        @WithDefault("2147483647")
        long maxModelBytes();

        /**
         * Largest total that a bundle zip's files may inflate to, in bytes; past it the import stops, writes no more
         * and answers 413 naming this limit. Counted while inflating, whatever the zip's directory claims.
         */
        @WithDefault("2147483648")
        long maxBundleBytes();

        /**
         * Largest inflated-to-compressed ratio of a bundle zip entry. Graph weights barely compress (about 1.1×); a
         * zip bomb inflates a thousandfold. Past it the import stops and answers 422 naming this limit.
         */
        @WithDefault("20")
        int maxCompressionRatio();

        /**
         * Model imports and random inits that may run at once in this gateway. Each holds up to a model's size in
         * memory and on disk for seconds to minutes; more get 429 with {@code Retry-After}.
         */
        @WithDefault("2")
        int maxConcurrentImports();

        /** Largest image upload ({@code POST /v1/uploads}), in bytes; larger ones get 413. */
        @WithDefault("20971520")
        long maxUploadBytes();

        /**
         * Largest image upload in pixels, read from the header before decoding, so that a small file that would
         * decode to gigabytes (a decompression bomb) is refused without decoding it. 40 MP is a 6,000 × 6,600 photo.
         */
        @WithDefault("40000000")
        long maxUploadPixels();

        /** Default and largest page sizes of list endpoints. */
        @WithDefault("50")
        int defaultPageSize();

        @WithDefault("10000")
        int maxPageSize();
    }

    interface Bootstrap {
        /**
         * An admin API key to register at start (only its hash is stored), so that a fresh deployment can be
         * used at all. {@code ./farm up} generates one; production sets it once from a secret, or not at all.
         */
        Optional<String> adminKey();

        /** The tenant that the bootstrap key belongs to; created if missing. */
        @WithDefault("default")
        String tenant();
    }

    interface Outbox {
        /** How often the relay looks for unpublished rows when nobody nudges it. */
        @WithDefault("PT0.5S")
        Duration pollInterval();

        /** Rows published per transaction. */
        @WithDefault("500")
        int batchSize();
    }
}
