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

    public record Tenant(String id, String name, int weight) {
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
        JsonNode weightNode = json.get("weight");
        if (weightNode != null && (!weightNode.isIntegralNumber() || weightNode.asInt() < 1)) {
            throw ApiException.invalid("weight", "must be a positive integer (the tenant's fair share)");
        }
        int weight = weightNode == null ? 1 : weightNode.asInt();
        String name = json.path("name").asText(id);
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO tenants (id, name, weight) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING")) {
            s.setString(1, id);
            s.setString(2, name);
            s.setInt(3, weight);
            if (s.executeUpdate() == 0) {
                throw ApiException.conflict("id", "tenant '" + id + "' already exists");
            }
        }
        return Response.created(URI.create("/v1/tenants/" + id)).entity(new Tenant(id, name, weight)).build();
    }

    @GET
    public List<Tenant> list(@Context ContainerRequestContext request) throws SQLException {
        Callers.admin(request);
        List<Tenant> tenants = new ArrayList<>();
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT id, name, weight FROM tenants ORDER BY id"); ResultSet r = s.executeQuery()) {
            while (r.next()) {
                tenants.add(new Tenant(r.getString(1), r.getString(2), r.getInt(3)));
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
