package ai.stylefarm.gateway.api;

import ai.stylefarm.domain.storage.Bucket;
import ai.stylefarm.domain.uploads.UploadRepository;
import ai.stylefarm.gateway.auth.Caller;
import ai.stylefarm.gateway.config.GatewayConfig;
import ai.stylefarm.gateway.uploads.ImageCheck;
import ai.stylefarm.modelkit.io.Hashing;
import ai.stylefarm.schemas.ObjectKeys;
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
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.UUID;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/**
 * {@code /v1/uploads}: images to project (targets of projection and calibration jobs). Everything is checked
 * before anything is stored: size, that it is a PNG or JPEG, its pixel count from the header, that it decodes, and
 * its channels. A refused upload leaves neither an object nor a row.
 */
@Path("/v1/uploads")
@Produces(MediaType.APPLICATION_JSON)
public class UploadsResource {
    private final UploadRepository uploads;
    private final Bucket storage;
    private final GatewayConfig config;

    public UploadsResource(UploadRepository uploads, Bucket storage, GatewayConfig config) {
        this.uploads = uploads;
        this.storage = storage;
        this.config = config;
    }

    /** A multipart form with the image in the part {@code file}: 201 with the upload, or 4xx naming the problem. */
    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    public Response upload(@RestForm("file") FileUpload file, @Context ContainerRequestContext request) {
        Caller caller = Callers.of(request);
        if (file == null || file.uploadedFile() == null) {
            throw ApiException.badRequest("file", "send a multipart form with the image in a part named 'file'");
        }
        String name = file.fileName() == null || file.fileName().isBlank() ? "upload" : file.fileName();
        String unsafe = InputText.problem(name);
        if (unsafe != null) {
            throw ApiException.badRequest("file", "the file name " + unsafe);
        }
        name = Problem.quote(name);
        if (file.size() > config.api().maxUploadBytes()) {
            throw new ApiException(413, "Content Too Large", "file", "'" + name + "' is " + file.size()
                    + " bytes, over the limit of " + config.api().maxUploadBytes());
        }
        ImageCheck.Image image;
        try {
            image = ImageCheck.inspect(file.uploadedFile(), config.api().maxUploadPixels());
        } catch (ImageCheck.Rejected e) {
            int status = e.notAnImage() ? 415 : 422;
            throw new ApiException(status, status == 415 ? "Unsupported Media Type" : "Unprocessable Content", "file",
                    "'" + name + "' " + e.getMessage());
        } catch (IOException e) {
            throw ApiException.badRequest("file", "the upload could not be read: the request body is truncated or"
                    + " malformed");
        }
        UUID id = UUID.randomUUID();
        String sha256 = Hashing.sha256(file.uploadedFile());
        storage.upload(ObjectKeys.upload(caller.tenant(), id), file.uploadedFile(), image.contentType());
        UploadRepository.UploadView upload = new UploadRepository.UploadView(id, caller.tenant(),
                name, image.contentType(), file.size(), sha256,
                image.width(), image.height(), image.channels(), Instant.now());
        uploads.insert(upload);
        return Response.created(URI.create("/v1/uploads/" + id)).entity(upload).build();
    }

    /** An upload of the caller's tenant (another tenant's is reported as missing). */
    @GET
    @Path("/{id}")
    public UploadRepository.UploadView get(@PathParam("id") String id, @Context ContainerRequestContext request) {
        return visible(id, Callers.of(request));
    }

    /** Deletes an upload and its object: 204, or 409 while a job that has not ended reads it. */
    @DELETE
    @Path("/{id}")
    public Response delete(@PathParam("id") String id, @Context ContainerRequestContext request) {
        UploadRepository.UploadView upload = visible(id, Callers.of(request));
        uploads.delete(upload);
        storage.remove(ObjectKeys.upload(upload.tenant(), upload.id()));
        return Response.noContent().build();
    }

    private UploadRepository.UploadView visible(String id, Caller caller) {
        UUID uuid = Ids.uuid(id, "id", "upload");
        return uploads.find(uuid).filter(u -> caller.maySee(u.tenant()))
                .orElseThrow(() -> ApiException.notFound("upload " + Problem.quote(id)));
    }
}
