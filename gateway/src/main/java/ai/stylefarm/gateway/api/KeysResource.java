package ai.stylefarm.gateway.api;

import ai.stylefarm.domain.keys.ApiKeyRepository;
import ai.stylefarm.gateway.auth.Caller;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * {@code /v1/keys}: the caller's own tenant's keys, for every role. A user lists them and revokes or rotates user
 * keys (its own among them: {@code current} names the key of the request); admin keys only admins touch.
 */
@Path("/v1/keys")
@Produces(MediaType.APPLICATION_JSON)
public class KeysResource {
    private final ApiKeyRepository keys;

    public KeysResource(ApiKeyRepository keys) {
        this.keys = keys;
    }

    @GET
    public List<ApiKeyRepository.KeyView> list(@Context ContainerRequestContext request) {
        return keys.list(Callers.of(request).tenant());
    }

    /** Revokes a key of the caller's tenant; revoking {@code current} signs the caller out for good. */
    @DELETE
    @Path("/{key}")
    public ApiKeyRepository.KeyView revoke(@PathParam("key") String key, @Context ContainerRequestContext request) {
        return keys.revoke(own(key, Callers.of(request)));
    }

    /** A new key with the same role and label (201, shown once); the old one stops working at once. */
    @POST
    @Path("/{key}/rotate")
    @Consumes(MediaType.WILDCARD)
    public Response rotate(@PathParam("key") String key, @Context ContainerRequestContext request) {
        return Response.status(201).entity(keys.rotate(own(key, Callers.of(request)))).build();
    }

    private ApiKeyRepository.KeyView own(String key, Caller caller) {
        ApiKeyRepository.KeyView found = keys.find("current".equals(key) ? caller.keyId() : Ids.uuid(key, "key", "key"))
                .filter(k -> k.tenant().equals(caller.tenant()))
                .orElseThrow(() -> ApiException.notFound("key", "key " + Problem.quote(key)));
        if ("admin".equals(found.role()) && !caller.isAdmin()) {
            throw ApiException.forbidden("key " + found.id() + " is an admin key; only admins revoke or rotate it");
        }
        return found;
    }
}
