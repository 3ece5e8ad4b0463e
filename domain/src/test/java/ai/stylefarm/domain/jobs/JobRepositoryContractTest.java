package ai.stylefarm.domain.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stylefarm.domain.Refused;
import ai.stylefarm.domain.testing.JobBuilder;
import ai.stylefarm.domain.testing.TestDatabase;
import ai.stylefarm.domain.testing.TestRows;
import ai.stylefarm.schemas.JobKind;
import ai.stylefarm.schemas.JobState;
import ai.stylefarm.schemas.TaskState;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Jobs as the API writes and reads them, on real PostgreSQL. */
class JobRepositoryContractTest {
    private DataSource db;
    private JobRepository jobs;

    @BeforeEach
    void freshDatabase() throws Exception {
        db = TestDatabase.fresh();
        TestRows.tenant(db, "t");
        TestRows.readyModel(db, "m", null);
        jobs = new JobRepository(db);
    }

    @Test
    void aSubmissionStoresTheJobItsOutboxMessageAndItsAuditEntryTogether() throws Exception {
        JobRepository.Submitted s = jobs.submit(job(8, null));
        assertTrue(s.created());
        assertEquals("QUEUED", s.job().state());
        assertEquals(s.job().id(), jobs.find(s.job().id()).orElseThrow().id());
        assertEquals(8, jobs.find(s.job().id()).orElseThrow().items().total(), "items_total is stored once");
        assertEquals(1L, count("SELECT count(*) FROM outbox WHERE key = '" + s.job().id() + "'"));
        assertEquals(1L, count("SELECT count(*) FROM job_events WHERE type = 'SUBMITTED'"));
    }

    @Test
    void anIdempotencyKeyReturnsTheFirstJobAndRefusesADifferentRequest() {
        JobView first = jobs.submit(job(8, "k")).job();
        JobRepository.Submitted again = jobs.submit(job(8, "k"));
        assertFalse(again.created());
        assertEquals(first.id(), again.job().id());
        Refused r = assertThrows(Refused.class, () -> jobs.submit(job(9, "k")));
        assertEquals(Refused.Why.CONFLICT, r.why());
        assertEquals("Idempotency-Key", r.field());
    }

    @Test
    void quotasAreCheckedUnderTheTenantsLock() throws Exception {
        sql("UPDATE tenants SET max_images_per_job = 10, max_open_jobs = 2 WHERE id = 't'");
        Refused tooMany = assertThrows(Refused.class, () -> jobs.submit(job(11, null)));
        assertEquals(Refused.Why.OVER_QUOTA, tooMany.why());
        assertEquals("spec.seeds", tooMany.field());
        jobs.submit(job(1, null));
        jobs.submit(job(1, null));
        assertEquals(Refused.Why.QUOTA_FULL, assertThrows(Refused.class, () -> jobs.submit(job(1, null))).why());
        assertEquals(2L, count("SELECT count(*) FROM jobs"));
    }

    @Test
    void aModelDeletedMeanwhileRefusesTheJob() throws Exception {
        sql("UPDATE models SET deleted_at = now()");
        Refused r = assertThrows(Refused.class, () -> jobs.submit(job(1, null)));
        assertEquals("model", r.field());
        assertEquals(0L, count("SELECT count(*) FROM outbox"));
    }

    @Test
    void listingPagesThroughEveryJobOnceNewestFirst() {
        Set<UUID> made = new HashSet<>();
        for (int i = 0; i < 7; i++) {
            made.add(new JobBuilder(db).state(i % 2 == 0 ? JobState.SUCCEEDED : JobState.RUNNING).insert());
        }
        Set<UUID> seen = new HashSet<>();
        String cursor = null;
        do {
            Page<JobView> page = jobs.list(JobFilter.tenant("t"), 3, cursor);
            page.items().forEach(j -> assertTrue(seen.add(j.id()), "listed twice: " + j.id()));
            cursor = page.nextCursor();
        } while (cursor != null);
        assertEquals(made, seen);
        assertEquals(4, jobs.list(new JobFilter("t", "SUCCEEDED", null, null, null), 10, null).items().size());
        assertEquals(Refused.Why.MALFORMED, assertThrows(Refused.class,
                () -> jobs.list(JobFilter.tenant("t"), 3, "not-a-cursor")).why());
    }

    @Test
    void aListingFiltersByModelAndFindsAJobByTheStartOfItsId() {
        TestRows.readyModel(db, "other", "t");
        UUID mine = new JobBuilder(db).insert();
        UUID theirs = new JobBuilder(db).model("other").insert();
        assertEquals(List.of(theirs), jobs.list(new JobFilter("t", null, null, "other", null), 10, null).items()
                .stream().map(JobView::id).toList());
        String prefix = mine.toString().substring(0, 8).toUpperCase(java.util.Locale.ROOT);
        assertEquals(List.of(mine), jobs.list(JobFilter.tenant("t").withIdPrefix(prefix), 10, null).items().stream()
                .map(JobView::id).toList());
        assertTrue(jobs.list(JobFilter.tenant("someone-else").withIdPrefix(prefix), 10, null).items().isEmpty(),
                "a prefix never reaches another tenant's jobs");
        assertThrows(IllegalArgumentException.class, () -> JobFilter.tenant("t").withIdPrefix("6f%"));
    }

    @Test
    void cancelIsRecordedForLiveJobsAndDeleteOnlyForEndedOnes() {
        UUID live = new JobBuilder(db).tasks(TaskState.RUNNING).insert();
        UUID ended = new JobBuilder(db).state(JobState.SUCCEEDED).tasks(TaskState.SUCCEEDED).insert();
        assertTrue(jobs.requestCancel(live, "ops"));
        assertNotNull(jobs.find(live).orElseThrow().cancelRequestedAt());
        assertFalse(jobs.requestCancel(ended, "ops"));
        assertFalse(jobs.requestDelete(live, "ops"));
        assertTrue(jobs.requestDelete(ended, "ops"));
        assertTrue(jobs.find(ended).isEmpty(), "a deleted job is gone from the API at once");
        assertNull(jobs.list(JobFilter.tenant("t"), 10, null).items().stream().filter(j -> j.id().equals(ended))
                .findAny().orElse(null));
    }

    @Test
    void artifactsPageAndHideTheInternalOnes() throws Exception {
        UUID job = new JobBuilder(db).state(JobState.SUCCEEDED).tasks(TaskState.SUCCEEDED).insert();
        for (String[] a : List.of(new String[] {"a.png", "image"}, new String[] {"part.jsonl", "manifest_part"},
                new String[] {"b.png", "image"})) {
            sql("INSERT INTO artifacts (job_id, key, kind, bytes, sha256) VALUES ('" + job + "', 'jobs/" + job + "/"
                    + a[0] + "', '" + a[1] + "', 1, repeat('0', 64))");
        }
        Page<ArtifactView> first = jobs.artifacts(job, 1, null, false, key -> "url:" + key);
        assertEquals(1, first.items().size());
        assertEquals("url:" + first.items().get(0).key(), first.items().get(0).url());
        Page<ArtifactView> rest = jobs.artifacts(job, 10, first.nextCursor(), false, key -> key);
        assertEquals(1, rest.items().size(), "the manifest part is internal");
        assertEquals(3, jobs.artifacts(job, 10, null, true, key -> key).items().size());
        assertTrue(jobs.hasArtifact(job, "jobs/" + job + "/a.png"));
        assertEquals(2, jobs.artifactsOfKinds(job, List.of("image")).size());
    }

    private NewJob job(int seeds, String idempotencyKey) {
        ObjectNode spec = JsonNodeFactory.instance.objectNode().put("seeds", "0-" + (seeds - 1));
        return new NewJob("t", JobKind.GENERATE, "m", "m", 5, spec, seeds, seeds, List.of(), idempotencyKey);
    }

    private void sql(String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private long count(String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); var r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }
}
