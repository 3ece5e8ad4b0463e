package ai.stylefarm.scheduler.duties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stylefarm.domain.storage.Bucket;
import ai.stylefarm.domain.storage.BucketSettings;
import ai.stylefarm.domain.store.Jobs;
import ai.stylefarm.infra.S3Server;
import ai.stylefarm.migrations.Migrations;
import ai.stylefarm.modelkit.io.Hashing;
import ai.stylefarm.schemas.NoiseMode;
import ai.stylefarm.schemas.ObjectKeys;
import ai.stylefarm.schemas.documents.Documents;
import ai.stylefarm.schemas.documents.ImageLine;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finalization on real PostgreSQL and a real S3 (s3proxy): one writer per job, objects that equal their rows. */
class JobFinalizerTest {
    @TempDir
    static Path tmp;

    private static EmbeddedPostgres postgres;
    private static DataSource db;
    private static S3Server s3;
    private static Bucket store;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        db = postgres.getPostgresDatabase();
        Migrations.migrate(db);
        s3 = new S3Server(tmp.resolve("s3"), 0, "test", "test-secret", "stylefarm");
        s3.start();
        store = new Bucket(BucketSettings.of(s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.bucket()));
        try (Connection c = db.getConnection()) {
            c.createStatement().execute("INSERT INTO tenants (id, name) VALUES ('t', 't')");
            c.createStatement().execute("INSERT INTO models (id, slug, name, state, source, bundle_sha256, metadata)"
                    + " VALUES ('m', 'm', 'm', 'READY', 'random', repeat('a', 64), '{}')");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        s3.close();
        postgres.close();
    }

    @Test
    void aJobThatAnotherWriterIsFinalizingIsLeftToIt() throws Exception {
        UUID job = finishedGenerateJob();
        JobFinalizer finalizer = new JobFinalizer(db, store);
        try (Connection other = db.getConnection()) {
            other.setAutoCommit(false);
            assertTrue(Jobs.claimFinalization(other, job));
            finalizer.finalizeIfDone(job);
            assertEquals("RUNNING", state(job), "the job is the other writer's to end");
            assertFalse(stored(ObjectKeys.manifest(job)), "nothing written while another writer holds the job");
            other.rollback();
        }
        finalizer.finalizeIfDone(job);
        assertEquals("SUCCEEDED", state(job));
        assertObjectsEqualTheirRows(job);
    }

    @Test
    void manyFinalizersAtOnceEndAJobOnceWithObjectsThatEqualTheirRows() throws Exception {
        for (int round = 0; round < 5; round++) {
            UUID job = finishedGenerateJob();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> runs = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    JobFinalizer finalizer = new JobFinalizer(db, store);
                    runs.add(pool.submit(() -> {
                        go.await();
                        finalizer.finalizeIfDone(job);
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> run : runs) {
                    run.get();
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals("SUCCEEDED", state(job));
            assertEquals(1, count("SELECT count(*) FROM job_events WHERE job_id = ? AND type = 'SUCCEEDED'", job),
                    "round " + round + ": the job ended once");
            assertObjectsEqualTheirRows(job);
        }
    }

    /** A generate job of seeds 0-1 whose one task has succeeded, with its manifest part stored and recorded. */
    private static UUID finishedGenerateJob() throws Exception {
        UUID job = UUID.randomUUID();
        StringBuilder part = new StringBuilder();
        for (int seed = 0; seed < 2; seed++) {
            byte[] image = ("image " + seed + " of " + job).getBytes(StandardCharsets.UTF_8);
            String key = String.format("%simages/seed%08d.png", ObjectKeys.job(job), seed);
            store.put(key, image, "image/png");
            part.append(Documents.line(ImageLine.sample(seed, 1, null, null, NoiseMode.CONST, null, null)
                    .storedAt(key, null, Hashing.sha256(image), image.length))).append('\n');
        }
        byte[] partBytes = part.toString().getBytes(StandardCharsets.UTF_8);
        store.put(ObjectKeys.manifestPart(job, 0), partBytes, "application/x-ndjson");
        try (Connection c = db.getConnection()) {
            update(c, "INSERT INTO jobs (id, tenant_id, kind, model_id, spec, state, tasks_total, tasks_planned,"
                    + " tasks_done) VALUES (?, 't', 'generate', 'm', '{\"seeds\": \"0-1\"}', 'RUNNING', 1, 1, 1)", job);
            update(c, "INSERT INTO tasks (id, job_id, idx, kind, spec, state, attempt) VALUES (?, ?, 0, 'generate',"
                    + " '{}', 'SUCCEEDED', 1)", UUID.randomUUID(), job);
            update(c, "INSERT INTO artifacts (job_id, key, kind, bytes, sha256) VALUES (?, ?, 'manifest_part', ?, ?)",
                    job, ObjectKeys.manifestPart(job, 0), (long) partBytes.length, Hashing.sha256(partBytes));
        }
        return job;
    }

    private static void assertObjectsEqualTheirRows(UUID job) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT key, bytes, sha256 FROM artifacts WHERE job_id = ? AND kind IN ('manifest', 'dataset_card')")) {
            s.setObject(1, job);
            int rows = 0;
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows++;
                    byte[] bytes;
                    try (InputStream in = store.get(r.getString(1))) {
                        bytes = in.readAllBytes();
                    }
                    assertEquals(r.getLong(2), bytes.length, r.getString(1));
                    assertEquals(r.getString(3), Hashing.sha256(bytes), r.getString(1) + " as stored");
                }
            }
            assertEquals(2, rows, "the manifest and the dataset card are recorded");
        }
    }

    private static boolean stored(String key) {
        try (InputStream in = store.get(key)) {
            return in.read() >= -1;
        } catch (Exception e) {
            return false;
        }
    }

    private static String state(UUID job) throws Exception {
        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT state FROM jobs WHERE id = ?")) {
            s.setObject(1, job);
            try (ResultSet r = s.executeQuery()) {
                assertTrue(r.next());
                return r.getString(1);
            }
        }
    }

    private static long count(String sql, Object arg) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, arg);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    private static void update(Connection c, String sql, Object... args) throws Exception {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            s.executeUpdate();
        }
    }
}
