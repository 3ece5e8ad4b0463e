package ai.stylefarm.gateway.api;

import ai.stylefarm.gateway.auth.ApiKeys;
import ai.stylefarm.gateway.auth.Caller;
import com.fasterxml.jackson.databind.JsonNode;
import io.agroal.api.AgroalDataSource;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
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
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/** {@code /v1/tenants}, admins only: tenants and their API keys (a new key is shown once, in the response). */
@Path("/v1/tenants")
@Produces(MediaType.APPLICATION_JSON)
public class TenantsResource {
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    private final AgroalDataSource db;
    private final ApiKeys keys;
    private final JsonBodies bodies;

    public TenantsResource(AgroalDataSource db, ApiKeys keys, JsonBodies bodies) {
        this.db = db;
        this.keys = keys;
        this.bodies = bodies;
    }

    public record Tenant(String id, String name, int weight, int maxImagesPerJob, int maxOpenJobs) {
    }

    public record NewKey(UUID id, String tenant, String role, String key) {
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    public Response create(InputStream body, @Context ContainerRequestContext request) throws SQLException {
        Callers.admin(request);
        JsonNode json = bodies.readObject(body);
        String id = json.path("id").asText(null);
        if (id == null || !ID.matcher(id).matches()) {
            throw ApiException.invalid("id", "1 to 64 of a-z, 0-9, '_' and '-', starting with a letter or digit");
        }
        int weight = positive(json, "weight", 1);
        int maxImages = positive(json, "max_images_per_job", 10_000_000);
        int maxOpen = positive(json, "max_open_jobs", 100);
        String name = json.path("name").asText(id);
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("INSERT INTO tenants"
                + " (id, name, weight, max_images_per_job, max_open_jobs) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING")) {
            s.setString(1, id);
            s.setString(2, name);
            s.setInt(3, weight);
            s.setInt(4, maxImages);
            s.setInt(5, maxOpen);
            if (s.executeUpdate() == 0) {
                throw ApiException.conflict("id", "tenant '" + id + "' already exists");
            }
        }
        return Response.created(URI.create("/v1/tenants/" + id))
                .entity(new Tenant(id, name, weight, maxImages, maxOpen)).build();
    }

    /** Changes a tenant's weight or quotas: {@code {"weight": 2, "max_open_jobs": 10}}. */
    @jakarta.ws.rs.PATCH
    @Path("/{tenant}")
    @Consumes(MediaType.WILDCARD)
    public Tenant update(@PathParam("tenant") String tenant, InputStream body, @Context ContainerRequestContext request)
            throws SQLException {
        Callers.admin(request);
        JsonNode json = bodies.readObject(body);
        try (Connection c = db.getConnection()) {
            Tenant current = find(c, tenant);
            int weight = positive(json, "weight", current.weight());
            int maxImages = positive(json, "max_images_per_job", current.maxImagesPerJob());
            int maxOpen = positive(json, "max_open_jobs", current.maxOpenJobs());
            try (PreparedStatement s = c.prepareStatement("UPDATE tenants SET weight = ?, max_images_per_job = ?,"
                    + " max_open_jobs = ? WHERE id = ?")) {
                s.setInt(1, weight);
                s.setInt(2, maxImages);
                s.setInt(3, maxOpen);
                s.setString(4, tenant);
                s.executeUpdate();
            }
            return find(c, tenant);
        }
    }

    private static Tenant find(Connection c, String tenant) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT id, name, weight, max_images_per_job, max_open_jobs"
                + " FROM tenants WHERE id = ?")) {
            s.setString(1, tenant);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    throw ApiException.notFound("tenant " + tenant);
                }
                return new Tenant(r.getString(1), r.getString(2), r.getInt(3), r.getInt(4), r.getInt(5));
            }
        }
    }

    private static int positive(JsonNode json, String field, int fallback) {
        JsonNode node = json.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isIntegralNumber() || node.asLong() < 1 || node.asLong() > Integer.MAX_VALUE) {
            throw ApiException.invalid(field, "must be a positive integer");
        }
        return node.asInt();
    }

    @GET
    public List<Tenant> list(@Context ContainerRequestContext request) throws SQLException {
        Callers.admin(request);
        List<Tenant> tenants = new ArrayList<>();
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("SELECT id, name, weight,"
                + " max_images_per_job, max_open_jobs FROM tenants ORDER BY id"); ResultSet r = s.executeQuery()) {
            while (r.next()) {
                tenants.add(new Tenant(r.getString(1), r.getString(2), r.getInt(3), r.getInt(4), r.getInt(5)));
            }
        }
        return tenants;
    }

    /** {@code {"role": "user"|"admin", "label": "..."}}; the key is in this response and nowhere else. */
    @POST
    @Path("/{tenant}/keys")
    @Consumes(MediaType.WILDCARD)
    public Response createKey(@PathParam("tenant") String tenant, InputStream body,
                              @Context ContainerRequestContext request) throws SQLException {
        Callers.admin(request);
        JsonNode json = bodies.readObject(body);
        String roleText = json.path("role").asText("user");
        Caller.Role role;
        try {
            role = Caller.Role.valueOf(roleText.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("role", "must be user or admin");
        }
        String key = ApiKeys.newKey();
        try (Connection c = db.getConnection()) {
            if (!exists(c, tenant)) {
                throw ApiException.notFound("tenant " + tenant);
            }
            UUID id = keys.register(c, tenant, key, role, json.path("label").asText(null));
            return Response.status(201).entity(new NewKey(id, tenant, role.value(), key)).build();
        }
    }

    private static boolean exists(Connection c, String tenant) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM tenants WHERE id = ?")) {
            s.setString(1, tenant);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }
}
