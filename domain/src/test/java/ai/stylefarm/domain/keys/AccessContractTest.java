package ai.stylefarm.domain.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stylefarm.domain.Refused;
import ai.stylefarm.domain.jobs.JobRepository;
import ai.stylefarm.domain.tenants.TenantRepository.Tenant;
import ai.stylefarm.domain.tenants.TenantRepository;
import ai.stylefarm.domain.testing.JobBuilder;
import ai.stylefarm.domain.testing.TestDatabase;
import ai.stylefarm.domain.testing.TestRows;
import ai.stylefarm.schemas.TaskState;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Tenants and their API keys on real PostgreSQL: who may call, and how that ends. */
class AccessContractTest {
    private DataSource db;
    private TenantRepository tenants;
    private ApiKeyRepository keys;

    @BeforeEach
    void freshDatabase() {
        db = TestDatabase.fresh();
        tenants = new TenantRepository(db);
        keys = new ApiKeyRepository(db);
        assertTrue(tenants.create(new Tenant("acme", "Acme", 2, 1000, 5, 3, 30, null)));
    }

    @Test
    void aTenantIdIsTakenOnceAndItsSettingsAreWrittenBack() {
        assertFalse(tenants.create(new Tenant("acme", "Other", 1, 1, 1, 1, null, null)));
        tenants.update(new Tenant("acme", "Acme", 4, 10, 2, 1, null, null));
        Tenant t = tenants.find("acme").orElseThrow();
        assertEquals(4, t.weight());
        assertEquals(null, t.retentionDays());
        assertEquals(1, tenants.list().size());
    }

    @Test
    void anIssuedKeyResolvesUntilRevokedAndIsStoredOnlyAsItsHash() {
        ApiKeyRepository.NewKey issued = keys.issue("acme", Role.USER, "ci");
        assertTrue(issued.key().startsWith(ApiKeyRepository.PREFIX));
        ApiKeyRepository.LiveKey live = keys.resolve(issued.key()).orElseThrow();
        assertEquals(new ApiKeyRepository.LiveKey(issued.id(), "acme", Role.USER, false), live);
        assertNotEquals(null, keys.find(issued.id()).orElseThrow().lastUsedAt(), "its use is recorded");

        keys.revoke(keys.find(issued.id()).orElseThrow());
        assertTrue(keys.resolve(issued.key()).isEmpty());
        assertTrue(keys.resolve("sfk_never-issued").isEmpty());
    }

    @Test
    void rotatingRevokesTheOldKeyAndARevokedKeyIsNotRotated() {
        ApiKeyRepository.NewKey old = keys.issue("acme", Role.ADMIN, "ops");
        ApiKeyRepository.NewKey fresh = keys.rotate(keys.find(old.id()).orElseThrow());
        assertEquals("admin", fresh.role());
        assertEquals("ops", fresh.label());
        assertTrue(keys.resolve(old.key()).isEmpty());
        assertTrue(keys.resolve(fresh.key()).isPresent());
        assertEquals(Refused.Why.CONFLICT, assertThrows(Refused.class,
                () -> keys.rotate(keys.find(old.id()).orElseThrow())).why());
        assertEquals(2, keys.list("acme").size());
    }

    @Test
    void anOperatorKeyIsRegisteredOnceWithItsTenant() {
        UUID first = keys.registerOperatorKey("root", "sfk_bootstrap", Role.ADMIN, "bootstrap");
        assertEquals(first, keys.registerOperatorKey("root", "sfk_bootstrap", Role.ADMIN, "bootstrap"));
        assertTrue(tenants.find("root").isPresent());
    }

    @Test
    void disablingATenantRefusesItsKeysAndAsksItsLiveJobsToCancel() {
        TestRows.readyModel(db, "m", null);
        UUID live = new JobBuilder(db).tenant("acme").tasks(TaskState.RUNNING).insert();
        ApiKeyRepository.NewKey key = keys.issue("acme", Role.USER, null);
        assertEquals(1, tenants.setDisabled("acme", true, "ops"));
        assertTrue(keys.resolve(key.key()).orElseThrow().tenantDisabled());
        assertTrue(new JobRepository(db).find(live).orElseThrow().cancelRequestedAt() != null);
        tenants.setDisabled("acme", false, "ops");
        assertFalse(keys.resolve(key.key()).orElseThrow().tenantDisabled());
        assertEquals(Refused.Why.NOT_FOUND, assertThrows(Refused.class,
                () -> tenants.setDisabled("nobody", true, "ops")).why());
    }
}
