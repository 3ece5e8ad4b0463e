package ai.stylefarm.gateway.api;

import ai.stylefarm.domain.keys.ApiKeyRepository;
import ai.stylefarm.domain.keys.Role;
import ai.stylefarm.domain.tenants.TenantRepository.Tenant;
import ai.stylefarm.domain.tenants.TenantRepository;
import ai.stylefarm.gateway.auth.Caller;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * {@code /v1/tenants}, admins only: tenants (weight, quotas, retention, disabling) and their API keys (issue, list,
 * revoke, rotate; a new key is shown once, in the response).
 */
@Path("/v1/tenants")
@Produces(MediaType.APPLICATION_JSON)
public class TenantsResource {
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final Set<String> SETTINGS = Set.of("weight", "max_images_per_job", "max_open_jobs", "max_models",
            "retention_days");
    static final int MAX_LABEL = 200;

    private final TenantRepository tenants;
    private final ApiKeyRepository keys;
    private final JsonBodies bodies;

    public TenantsResource(TenantRepository tenants, ApiKeyRepository keys, JsonBodies bodies) {
        this.tenants = tenants;
        this.keys = keys;
        this.bodies = bodies;
    }

    /** {@code {"id": "acme", "name": ..., "weight": 1, "max_images_per_job": ..., "retention_days": 30, ...}}. */
    @POST
    @Consumes(MediaType.WILDCARD)
    public Response create(InputStream body, @Context ContainerRequestContext request) {
        Callers.admin(request);
        JsonNode json = bodies.readObject(body);
        JsonFields.only(json, union(SETTINGS, Set.of("id", "name")));
        JsonNode idNode = json.get("id");
        String id = idNode != null && idNode.isTextual() ? idNode.textValue() : null;
        if (id == null || !ID.matcher(id).matches()) {
            throw ApiException.invalid("id", "1 to 64 of a-z, 0-9, '_' and '-', starting with a letter or digit");
        }
        Tenant tenant = settings(json, new Tenant(id, JsonFields.text(json, "name", MAX_LABEL, id), 1, 10_000_000, 100,
                20, null, null));
        if (!tenants.create(tenant)) {
            throw ApiException.conflict("id", "tenant '" + id + "' already exists");
        }
        return Response.created(URI.create("/v1/tenants/" + id)).entity(tenant).build();
    }

    /**
     * Changes a tenant's weight, quotas or retention ({@code "retention_days": null} keeps outputs for ever), or
     * disables it ({@code "disabled": true}: its keys stop working at once and its live jobs are cancelled) and
     * enables it again.
     */
    @PATCH
    @Path("/{tenant}")
    @Consumes(MediaType.WILDCARD)
    public Tenant update(@PathParam("tenant") String id, InputStream body, @Context ContainerRequestContext request) {
        Caller caller = Callers.admin(request);
        JsonNode json = bodies.readObject(body);
        JsonFields.only(json, union(SETTINGS, Set.of("disabled")));
        Tenant current = find(id);
        Tenant wanted = settings(json, current);
        Boolean disabled = JsonFields.bool(json, "disabled");
        boolean toggles = disabled != null && disabled != (current.disabledAt() != null);
        if (toggles && disabled && id.equals(caller.tenant())) {
            throw ApiException.conflict("disabled", "you cannot disable your own tenant '" + id
                    + "': its keys, yours included, would stop working");
        }
        Tenant updated = tenants.update(wanted);
        if (toggles) {
            tenants.setDisabled(id, disabled, caller.keyId().toString());
            updated = find(id);
        }
        return updated;
    }

    private static Tenant settings(JsonNode json, Tenant t) {
        return new Tenant(t.id(), t.name(),
                JsonFields.integer(json, "weight", 1, 1000, t.weight()),
                JsonFields.integer(json, "max_images_per_job", 1, Integer.MAX_VALUE, t.maxImagesPerJob()),
                JsonFields.integer(json, "max_open_jobs", 1, 100_000, t.maxOpenJobs()),
                JsonFields.integer(json, "max_models", 1, 10_000, t.maxModels()),
                JsonFields.clearableInteger(json, "retention_days", 1, 36_500, t.retentionDays()),
                t.disabledAt());
    }

    @GET
    public List<Tenant> list(@Context ContainerRequestContext request) {
        Callers.admin(request);
        return tenants.list();
    }

    @GET
    @Path("/{tenant}")
    public Tenant get(@PathParam("tenant") String id, @Context ContainerRequestContext request) {
        Callers.admin(request);
        return find(id);
    }

    /** {@code {"role": "user"|"admin", "label": "..."}}; the key is in this response and nowhere else. */
    @POST
    @Path("/{tenant}/keys")
    @Consumes(MediaType.WILDCARD)
    public Response createKey(@PathParam("tenant") String id, InputStream body,
                              @Context ContainerRequestContext request) {
        Callers.admin(request);
        JsonNode json = bodies.readObject(body);
        JsonFields.only(json, Set.of("role", "label"));
        Role role = role(JsonFields.text(json, "role", 10, "user"));
        String label = JsonFields.text(json, "label", MAX_LABEL, null);
        Tenant tenant = find(id);
        return Response.status(201).entity(keys.issue(tenant.id(), role, label)).build();
    }

    @GET
    @Path("/{tenant}/keys")
    public List<ApiKeyRepository.KeyView> keys(@PathParam("tenant") String id, @Context ContainerRequestContext request) {
        Callers.admin(request);
        return keys.list(find(id).id());
    }

    /** Revokes a key: the next request with it gets 401. */
    @DELETE
    @Path("/{tenant}/keys/{key}")
    public ApiKeyRepository.KeyView revoke(@PathParam("tenant") String id, @PathParam("key") String key,
                                  @Context ContainerRequestContext request) {
        Callers.admin(request);
        return keys.revoke(key(id, key));
    }

    /** A new key with the same role and label; the old one is revoked at once. */
    @POST
    @Path("/{tenant}/keys/{key}/rotate")
    @Consumes(MediaType.WILDCARD)
    public Response rotate(@PathParam("tenant") String id, @PathParam("key") String key,
                           @Context ContainerRequestContext request) {
        Callers.admin(request);
        return Response.status(201).entity(keys.rotate(key(id, key))).build();
    }

    private ApiKeyRepository.KeyView key(String tenant, String key) {
        UUID uuid = Ids.uuid(key, "key", "key");
        return keys.find(uuid).filter(k -> k.tenant().equals(tenant))
                .orElseThrow(() -> ApiException.notFound("key", "key " + key + " of tenant " + Problem.quote(tenant)));
    }

    private Tenant find(String id) {
        return tenants.find(id).orElseThrow(() -> ApiException.notFound("tenant", "tenant " + Problem.quote(id)));
    }

    static Role role(String text) {
        try {
            return Role.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("role", "must be user or admin");
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        java.util.Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return all;
    }
}
