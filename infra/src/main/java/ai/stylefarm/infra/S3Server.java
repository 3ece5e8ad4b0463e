package ai.stylefarm.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An S3 endpoint (s3proxy, in this JVM) over a directory: each bucket is a subdirectory of {@code dir}.
 * Requests must be signed (AWS signature V2 or V4, presigned URLs included) with the access key and secret.
 */
public final class S3Server implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(S3Server.class);
    /**
     * Stop at once. Waiting for in-flight requests also waits out every idle keep-alive connection a client
     * left open (two seconds each), and S3 clients retry an aborted request anyway.
     */
    private static final long STOP_TIMEOUT_MS = 0;
    /**
     * The largest object one PUT may carry. s3proxy refuses a signed (V4, non-chunked) body over 128 MiB by default
     * because it holds the body in its heap to check the signed sha256; MinIO and S3 stream single PUTs up to 5 GiB,
     * and the farm stores whole graphs (paper256's projection step is ~130 MB) and shards in one PUT so that no
     * reader sees part of one. 1 GiB covers the paper configs; this JVM's heap must hold the PUTs in flight.
     */
    private static final long MAX_SINGLE_PUT_BYTES = 1L << 30;

    private final Path dir;
    private final String accessKey;
    private final String secretKey;
    private final String bucket;
    private final String bindHost;
    private volatile int port;
    private S3Proxy proxy;

    /** A server for {@code dir}; port 0 binds a free port (once, kept for restarts). */
    public S3Server(Path dir, int port, String accessKey, String secretKey, String bucket) {
        this(dir, port, accessKey, secretKey, bucket, "127.0.0.1");
    }

    /** As above, listening on {@code bindHost} ({@code 0.0.0.0}: every interface, for hosts on a bridge). */
    public S3Server(Path dir, int port, String accessKey, String secretKey, String bucket, String bindHost) {
        this.bindHost = bindHost;
        this.dir = dir.toAbsolutePath();
        this.port = port;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.bucket = bucket;
    }

    /** {@code http://127.0.0.1:<port>}, path-style. Valid once started. */
    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    public String bucket() {
        return bucket;
    }

    public Path directory() {
        return dir;
    }

    public synchronized boolean isRunning() {
        return proxy != null;
    }

    /** Creates the bucket if needed and serves on the bind host (127.0.0.1 unless told otherwise). */
    public synchronized void start() {
        if (proxy != null) {
            return;
        }
        Logging.quietUnlessConfigured("org.gaul");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        BlobStore store = new FilesystemNio2BlobStore(dir.toString());
        if (!store.containerExists(bucket)) {
            store.createContainer(bucket);
        }
        S3Proxy candidate = S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://" + bindHost + ":" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .stopTimeout(STOP_TIMEOUT_MS)
                .v4MaxNonChunkedRequestSize(MAX_SINGLE_PUT_BYTES)
                .build();
        try {
            candidate.start();
        } catch (Exception e) {
            stopQuietly(candidate);
            throw new IllegalStateException("could not start s3proxy on " + bindHost + ":" + port, e);
        }
        port = candidate.getPort();
        proxy = candidate;
        LOG.info("S3 ready at {} (bucket {}, files under {})", endpoint(), bucket, dir);
    }

    public synchronized void stop() {
        if (proxy == null) {
            return;
        }
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop s3proxy", e);
        } finally {
            proxy = null;
        }
    }

    public synchronized void restart() {
        stop();
        start();
    }

    @Override
    public void close() {
        stop();
    }

    private static void stopQuietly(S3Proxy proxy) {
        try {
            proxy.stop();
        } catch (Exception e) {
            LOG.debug("Stopping a proxy that failed to start", e);
        }
    }

    @Override
    public String toString() {
        return "S3Server[" + endpoint() + ", " + dir + "]";
    }
}
