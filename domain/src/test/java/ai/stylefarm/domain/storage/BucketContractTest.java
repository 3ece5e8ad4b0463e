package ai.stylefarm.domain.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stylefarm.domain.jobs.Page;
import ai.stylefarm.infra.S3Server;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one bucket class every service uses, against a real S3 server (s3proxy on 127.0.0.1). */
class BucketContractTest {
    @TempDir
    static Path tmp;

    static S3Server s3;
    static Bucket bucket;

    @BeforeAll
    static void start() {
        s3 = new S3Server(tmp.resolve("s3"), 0, "test", "test-secret", "stylefarm");
        s3.start();
        bucket = new Bucket(BucketSettings.of(s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.bucket()));
    }

    @AfterAll
    static void stop() {
        bucket.close();
        s3.close();
    }

    @Test
    void aWriteOnceKeyKeepsTheFirstWritersObjectAndReportsIt() throws Exception {
        Bucket.Stored first = bucket.putIfAbsent("once/a", bytes("first"), "text/plain");
        assertFalse(first.adopted());
        Bucket.Stored second = bucket.putIfAbsent("once/a", bytes("second, longer"), "text/plain");
        assertTrue(second.adopted());
        assertEquals(first.sha256(), second.sha256());
        assertEquals(5, second.bytes());
        Path file = Files.writeString(tmp.resolve("f"), "file body");
        assertFalse(bucket.uploadIfAbsent("once/f", file, "text/plain").adopted());
        assertTrue(bucket.uploadIfAbsent("once/f", file, "text/plain").adopted());
        assertArrayEquals(bytes("first"), bucket.read("once/a", 100));
    }

    @Test
    void aFileBiggerThanS3proxysDefaultBodyCapStoresInOnePutAndMatchesItsRecord() throws Exception {
        Path file = tmp.resolve("graph.onnx");
        byte[] block = new byte[1 << 20];
        try (var out = Files.newOutputStream(file)) {
            for (int i = 0; i < 136; i++) {
                java.util.Arrays.fill(block, (byte) i);
                out.write(block);
            }
        }
        Bucket.Stored stored = bucket.uploadIfAbsent("big/graph.onnx", file, "application/octet-stream");
        assertFalse(stored.adopted());
        assertEquals(Files.size(file), stored.bytes());
        Bucket.Stored read = bucket.uploadIfAbsent("big/graph.onnx", file, "application/octet-stream");
        assertTrue(read.adopted(), "the second write reads back what the first stored");
        assertEquals(stored.sha256(), read.sha256());
        assertEquals(stored.bytes(), read.bytes());
    }

    @Test
    void aMissingObjectIsToldApartFromAnUnreachableOneAndBigOnesAreNotReadWhole() {
        assertThrows(Bucket.NotFoundException.class, () -> bucket.read("missing/x", 10));
        assertFalse(bucket.exists("missing/x"));
        bucket.put("big/x", new byte[1000], "application/octet-stream");
        assertTrue(bucket.exists("big/x"));
        assertThrows(Bucket.TooLargeException.class, () -> bucket.read("big/x", 999));
        try (Bucket away = new Bucket(BucketSettings.of("http://127.0.0.1:9", "k", "s", "b"))) {
            Bucket.StorageException e = assertThrows(Bucket.StorageException.class, () -> away.exists("x"));
            assertFalse(e instanceof Bucket.NotFoundException);
        }
    }

    @Test
    void listingPagesThroughAFolderAndDeletingUnderItStopsAtItsBudget() {
        for (int i = 0; i < 7; i++) {
            bucket.put("jobs/j1/" + i, bytes("x" + i), "text/plain");
        }
        List<String> seen = new ArrayList<>();
        String after = null;
        do {
            Page<Bucket.Listed> page = bucket.list("jobs/j1/", after, 3);
            page.items().forEach(o -> seen.add(o.key()));
            after = page.nextCursor();
        } while (after != null);
        assertEquals(7, seen.size());
        assertEquals(5, bucket.removeUnder("jobs/j1/", 5));
        assertEquals(2, bucket.removeUnder("jobs/j1/", 5));
        assertFalse(bucket.keysUnder("jobs/j1/").iterator().hasNext());
        assertThrows(IllegalArgumentException.class, () -> bucket.removeUnder("jobs/", 5));
        bucket.remove(List.of("big/x", "never/was"));
        assertFalse(bucket.exists("big/x"));
    }

    @Test
    void aPresignedLinkDownloadsTheObjectWithoutCredentials() throws Exception {
        bucket.put("links/a.txt", bytes("hello"), "text/plain");
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(bucket.presign("links/a.txt"))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals("hello", r.body());
        assertNull(bucket.list("links/none/", null, 10).nextCursor());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
