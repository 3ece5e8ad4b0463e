package ai.stylefarm.gateway.api;

import ai.stylefarm.domain.models.ModelRepository;
import ai.stylefarm.domain.models.ModelView;
import ai.stylefarm.gateway.auth.Caller;
import ai.stylefarm.gateway.models.ModelImporter;
import ai.stylefarm.modelkit.stylegan.ConfigPresets;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

/**
 * {@code /v1/models}. A model file (NVIDIA pickle, rosinality checkpoint, or a zipped bundle) is the raw request
 * body; a random-init recipe is a JSON body. Imports run synchronously: the response is the READY model.
 */
@Path("/v1/models")
@Produces(MediaType.APPLICATION_JSON)
public class ModelsResource {
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final int MAX_NAME = 200;

    private final ModelRepository models;
    private final ModelImporter importer;
    private final JsonBodies bodies;

    public ModelsResource(ModelRepository models, ModelImporter importer, JsonBodies bodies) {
        this.models = models;
        this.importer = importer;
        this.bodies = bodies;
    }

    /**
     * {@code POST /v1/models?id=ffhq&name=FFHQ} with the file as body, or with a JSON body
     * {@code {"id": "demo", "random_init": {"config": "small64", "seed": 0}}}. {@code shared=true} (admins only)
     * makes the model usable by every tenant.
     */
    @POST
    @Consumes(MediaType.WILDCARD)
    public Response register(InputStream body, @QueryParam("id") String id, @QueryParam("name") String name,
                             @QueryParam("shared") String sharedParam, @Context ContainerRequestContext request) {
        Caller caller = Callers.of(request);
        String tenant = owner(caller, QueryParams.flag("shared", sharedParam));
        MediaType type = request.getMediaType();
        ModelView model;
        if (type != null && type.isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
            JsonNode json = bodies.readObject(body);
            JsonFields.only(json, java.util.Set.of("id", "name", "random_init"));
            String jsonId = text(json, "id");
            checkId(jsonId, "id");
            JsonNode init = json.get("random_init");
            if (init == null || !init.isObject()) {
                throw ApiException.invalid("random_init", "a JSON registration needs random_init: {\"config\": ..., \"seed\": ...};"
                        + " to import a file, send it as the body with Content-Type application/octet-stream");
            }
            JsonFields.only(init, java.util.Set.of("config", "seed"), "random_init.");
            String preset = text(init, "config");
            List<String> presets = StreamSupport.stream(ConfigPresets.names().spliterator(), false).toList();
            if (preset == null || !presets.contains(preset)) {
                throw ApiException.invalid("random_init.config", "must be one of " + presets);
            }
            JsonNode seed = init.get("seed");
            if (seed != null && !(seed.isIntegralNumber() && seed.canConvertToLong() && seed.longValue() >= 0)) {
                throw ApiException.invalid("random_init.seed", "must be an integer from 0 to " + Long.MAX_VALUE);
            }
            JsonNode nameNode = json.get("name");
            if (nameNode != null && !nameNode.isNull() && !nameNode.isTextual()) {
                throw ApiException.invalid("name", "must be text");
            }
            String modelName = displayName(text(json, "name"), jsonId, "name");
            model = importer.randomInit(jsonId, tenant, modelName, preset, seed == null ? 0 : seed.longValue());
        } else {
            checkId(id, "id");
            model = importer.importUpload(id, tenant, displayName(name, id, "name"), body);
        }
        return Response.created(URI.create("/v1/models/" + model.id())).entity(model).build();
    }

    @GET
    public List<ModelView> list(@Context ContainerRequestContext request) {
        Caller caller = Callers.of(request);
        return models.list(caller.isAdmin() ? null : caller.tenant());
    }

    /** A model by the id its owner gave it: the caller's own, else a shared one; admins may name a tenant. */
    @GET
    @Path("/{id}")
    public ModelView get(@PathParam("id") String id, @QueryParam("tenant") String tenant,
                         @Context ContainerRequestContext request) {
        return visible(id, tenant, Callers.of(request));
    }

    /**
     * Deletes a model (its bundle's objects too): 204, or 409 while a live job uses it. A shared model only an admin
     * deletes. Jobs that used it keep their outputs and still name it.
     */
    @DELETE
    @Path("/{id}")
    public Response delete(@PathParam("id") String id, @QueryParam("tenant") String tenant,
                           @Context ContainerRequestContext request) {
        Caller caller = Callers.of(request);
        ModelView model = visible(id, tenant, caller);
        if (model.tenant() == null && !caller.isAdmin()) {
            throw ApiException.forbidden("model '" + id + "' is shared; only an admin deletes it");
        }
        importer.delete(model);
        return Response.noContent().build();
    }

    private ModelView visible(String id, String tenant, Caller caller) {
        if (tenant != null && !caller.isAdmin() && !tenant.equals(caller.tenant())) {
            throw ApiException.forbidden("only admins name another tenant's models");
        }
        return models.find(id, tenant != null ? tenant : caller.tenant())
                .orElseThrow(() -> ApiException.notFound("model " + Problem.quote(id)));
    }

    private static String displayName(String name, String fallback, String field) {
        if (name == null || name.isBlank()) {
            return fallback;
        }
        if (name.length() > MAX_NAME) {
            throw ApiException.invalid(field, "must be at most " + MAX_NAME + " characters");
        }
        return name.strip();
    }

    private static String owner(Caller caller, boolean shared) {
        if (shared && !caller.isAdmin()) {
            throw ApiException.forbidden("only admins register shared models");
        }
        return shared ? null : caller.tenant();
    }

    private static void checkId(String id, String field) {
        if (id == null || id.isEmpty()) {
            throw ApiException.invalid(field, "a model id is required: 1 to 64 of a-z, 0-9, '_' and '-',"
                    + " starting with a letter or digit");
        }
        if (!ID.matcher(id).matches()) {
            throw ApiException.invalid(field, "'" + Problem.quote(id) + "' is not a model id: 1 to 64 of a-z, 0-9, '_'"
                    + " and '-', starting with a letter or digit");
        }
    }

    private static String text(JsonNode json, String field) {
        JsonNode node = json.get(field);
        return node != null && node.isTextual() ? node.textValue() : null;
    }
}
