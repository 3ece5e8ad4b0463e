package ai.stylefarm.gateway.store;

import ai.stylefarm.domain.jobs.JobControls;
import ai.stylefarm.domain.jobs.JobRepository;
import ai.stylefarm.domain.keys.ApiKeyRepository;
import ai.stylefarm.domain.models.ModelRepository;
import ai.stylefarm.domain.ops.DashboardQueries;
import ai.stylefarm.domain.outbox.Outbox;
import ai.stylefarm.domain.tenants.TenantRepository;
import ai.stylefarm.domain.uploads.UploadRepository;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The domain's repositories over the gateway's connection pool: the gateway holds no SQL of its own. */
@ApplicationScoped
public class Repositories {
    @Produces
    @Singleton
    JobRepository jobs(AgroalDataSource db) {
        return new JobRepository(db);
    }

    @Produces
    @Singleton
    JobControls controls(AgroalDataSource db) {
        return new JobControls(db);
    }

    @Produces
    @Singleton
    ApiKeyRepository keys(AgroalDataSource db) {
        return new ApiKeyRepository(db);
    }

    @Produces
    @Singleton
    ModelRepository models(AgroalDataSource db) {
        return new ModelRepository(db);
    }

    @Produces
    @Singleton
    UploadRepository uploads(AgroalDataSource db) {
        return new UploadRepository(db);
    }

    @Produces
    @Singleton
    TenantRepository tenants(AgroalDataSource db) {
        return new TenantRepository(db);
    }

    @Produces
    @Singleton
    DashboardQueries dashboard(AgroalDataSource db) {
        return new DashboardQueries(db);
    }

    @Produces
    @Singleton
    Outbox outbox(AgroalDataSource db) {
        return new Outbox(db);
    }
}
