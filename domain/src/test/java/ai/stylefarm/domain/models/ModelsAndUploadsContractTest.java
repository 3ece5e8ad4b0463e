package ai.stylefarm.domain.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stylefarm.domain.Refused;
import ai.stylefarm.domain.store.Transactions;
import ai.stylefarm.domain.testing.JobBuilder;
import ai.stylefarm.domain.testing.TestDatabase;
import ai.stylefarm.domain.testing.TestRows;
import ai.stylefarm.domain.uploads.UploadRepository.UploadView;
import ai.stylefarm.domain.uploads.UploadRepository;
import ai.stylefarm.schemas.JobKind;
import ai.stylefarm.schemas.JobState;
import ai.stylefarm.schemas.TaskState;
import java.time.Instant;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Models and uploads on real PostgreSQL: registration, scoping to a tenant, and deletion while in use. */
class ModelsAndUploadsContractTest {
    private static final String SHA = "c".repeat(64);
    private DataSource db;
    private ModelRepository models;
    private UploadRepository uploads;

    @BeforeEach
    void freshDatabase() {
        db = TestDatabase.fresh();
        TestRows.tenant(db, "t");
        TestRows.tenant(db, "u");
        models = new ModelRepository(db);
        uploads = new UploadRepository(db);
    }

    @Test
    void aModelIsReservedImportedAndSeenOnlyByItsTenant() {
        String key = models.reserve("faces", "t", "Faces", "random");
        assertEquals("IMPORTING", models.findByKey(key).orElseThrow().state());
        assertEquals(Refused.Why.CONFLICT, assertThrows(Refused.class,
                () -> models.reserve("faces", "t", "Faces", "random")).why(), "one slug per tenant");
        models.markReady(key, "random", SHA, "{\"resolution\": 32, \"z_dim\": 8}");
        ModelView ready = models.find("faces", "t").orElseThrow();
        assertTrue(ready.isReady());
        assertEquals(32, ready.resolution());
        assertTrue(models.find("faces", "u").isEmpty(), "another tenant's model is invisible");
        assertEquals(new ModelRepository.Identity("faces", SHA, "Faces"), models.identity(key).orElseThrow());
        assertNull(Transactions.inTransaction(db, c -> ModelRepository.unusableReason(c, key)));
    }

    @Test
    void aFailedImportReleasesItsSlug() {
        String key = models.reserve("faces", "t", "Faces", "random");
        models.release(key);
        assertTrue(models.findByKey(key).isEmpty());
        models.reserve("faces", "t", "Faces", "random");
    }

    @Test
    void aModelInUseByALiveJobIsNotDeletedAndADeletedOneIsUnusable() {
        String key = models.reserve("faces", "t", "Faces", "random");
        models.markReady(key, "random", SHA, "{}");
        new JobBuilder(db).tenant("t").model(key).tasks(TaskState.RUNNING).insert();
        ModelView model = models.find("faces", "t").orElseThrow();
        Refused inUse = assertThrows(Refused.class, () -> models.delete(model));
        assertEquals(Refused.Why.CONFLICT, inUse.why());
        assertTrue(inUse.getMessage().contains("in use by job"), inUse.getMessage());

        String other = models.reserve("other", "t", "Other", "random");
        models.markReady(other, "random", SHA, "{}");
        models.delete(models.find("other", "t").orElseThrow());
        assertTrue(models.find("other", "t").isEmpty());
        String reason = Transactions.inTransaction(db, c -> ModelRepository.unusableReason(c, other));
        assertTrue(reason.contains("no longer"), reason);
        boolean usable = Transactions.inTransaction(db, c -> ModelRepository.lockForUse(c, other));
        assertFalse(usable);
    }

    @Test
    void theModelQuotaCountsTheTenantsLiveModels() throws Exception {
        TestRows.update(db, "UPDATE tenants SET max_models = 1 WHERE id = 't'");
        models.reserve("a", "t", "A", "random");
        assertEquals(Refused.Why.QUOTA_FULL, assertThrows(Refused.class,
                () -> models.reserve("b", "t", "B", "random")).why());
    }

    @Test
    void anUploadThatALiveJobReadsIsNotDeleted() {
        TestRows.readyModel(db, "m", null);
        UUID id = UUID.randomUUID();
        uploads.insert(new UploadView(id, "t", "a.png", "image/png", 10, SHA, 32, 32, 3, Instant.now()));
        UUID job = new JobBuilder(db).tenant("t").kind(JobKind.PROJECT)
                .spec("{\"targets\": [{\"upload\": \"" + id + "\"}]}").tasks(TaskState.RUNNING).insert();
        assertEquals(Refused.Why.CONFLICT, assertThrows(Refused.class,
                () -> uploads.delete(uploads.find(id).orElseThrow())).why());
        TestRows.update(db, "UPDATE jobs SET state = ? WHERE id = ?", JobState.SUCCEEDED.name(), job);
        uploads.delete(uploads.find(id).orElseThrow());
        assertTrue(uploads.find(id).isEmpty());
    }
}
