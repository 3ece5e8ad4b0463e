package ai.stylefarm.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/** The REST API as the CLI and the tests use it. Problems come back as {@link ApiError}s with the server's text. */
public final class GatewayClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final String apiKey;
    /** Made on first use: building one costs about 0.25 s, which the read-only calls ({@link #get}) never pay. */
    private HttpClient http;

    public GatewayClient(String baseUrl, String apiKey) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.apiKey = apiKey;
    }

    public String baseUrl() {
        return baseUrl;
    }

    public String apiKey() {
        return apiKey;
    }

    public GatewayClient withKey(String key) {
        return new GatewayClient(baseUrl, key);
    }

    /** POST /v1/jobs; the accepted job. */
    public JsonNode submit(JsonNode job) {
        return send(request("/v1/jobs").POST(json(job)).header("Content-Type", "application/json"));
    }

    /** A generate job: {@code {"kind": "generate", "model": ..., "spec": {...}}}. */
    public JsonNode generate(String model, ObjectNode spec) {
        ObjectNode job = JSON.createObjectNode().put("kind", "generate").put("model", model);
        job.set("spec", spec);
        return submit(job);
    }

    public JsonNode job(UUID id) {
        return get("/v1/jobs/" + id);
    }

    /**
     * The job that {@code ref} names: a whole id, or the start of one that only one of the caller's jobs has (the
     * dashboard shows eight characters).
     */
    public UUID resolveJob(String ref) {
        String id = ref.strip();
        if (id.matches("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")) {
            return UUID.fromString(id);
        }
        if (!id.matches("[0-9a-fA-F-]{1,36}")) {
            throw new IllegalArgumentException("'" + ref + "' is not a job id: hex digits, all of an id or its start");
        }
        JsonNode matches = get("/v1/jobs?limit=3&id_prefix=" + encode(id)).path("items");
        if (matches.isEmpty()) {
            throw new IllegalArgumentException("no job id starts with " + id + " (./farm jobs lists them)");
        }
        if (matches.size() > 1) {
            List<String> ids = new java.util.ArrayList<>();
            matches.forEach(j -> ids.add(j.path("id").asText()));
            throw new IllegalArgumentException(id + " starts more than one job id (" + String.join(", ", ids)
                    + (matches.size() > 2 ? ", ..." : "") + "): give more characters");
        }
        return UUID.fromString(matches.get(0).path("id").asText());
    }

    /** The key's tenant and role; a key the gateway does not know fails here, with its reason. */
    public JsonNode whoami() {
        return get("/v1/whoami");
    }

    /** A project or calibrate job's targets so far, with metrics and verdicts (at most 1,000). */
    public JsonNode projections(UUID id) {
        return get("/v1/jobs/" + id + "/projections?limit=1000");
    }

    public JsonNode jobs(String state, int limit) {
        return get("/v1/jobs?limit=" + limit + (state == null ? "" : "&state=" + encode(state)));
    }

    /** Every job the caller may see (all tenants' for an admin), newest first, following the pages. */
    public List<JsonNode> allJobs() {
        return pages("/v1/jobs?limit=1000");
    }

    public JsonNode cancel(UUID id) {
        return send(request("/v1/jobs/" + id + "/cancel").POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** Operator controls of a job: {@code pause}, {@code resume} or {@code requeue} (its failed tasks). */
    public JsonNode control(UUID id, String action) {
        return send(request("/v1/jobs/" + id + "/" + action).POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** A new priority for a job: 0 to 9, or interactive, normal, bulk. */
    public JsonNode setPriority(UUID id, String priority) {
        ObjectNode body = JSON.createObjectNode();
        if (priority.matches("-?\\d{1,9}")) {
            body.put("priority", Integer.parseInt(priority));
        } else {
            body.put("priority", priority);
        }
        return send(request("/v1/jobs/" + id).header("Content-Type", "application/json")
                .method("PATCH", json(body)));
    }

    /** The workers heard from in the last day (admins). */
    public JsonNode workers() {
        return get("/v1/workers");
    }

    /** Drains a worker (it finishes its task and takes no more) or, with {@code drain} false, undrains it. */
    public JsonNode drain(String worker, boolean drain) {
        HttpRequest.Builder r = request("/v1/workers/" + encode(worker).replace("+", "%20") + "/drain");
        return send(drain ? r.POST(HttpRequest.BodyPublishers.noBody()) : r.DELETE());
    }

    /** Every artifact of a job, following the pages. */
    public List<JsonNode> artifacts(UUID id) {
        return pages("/v1/jobs/" + id + "/artifacts?limit=10000");
    }

    /** Every artifact of a job, the internal ones (manifest parts, segments, keyframes) included. */
    public List<JsonNode> allArtifacts(UUID id) {
        return pages("/v1/jobs/" + id + "/artifacts?internal=true&limit=10000");
    }

    /** What the bucket holds under the job's prefix: key and bytes of each object. */
    public List<JsonNode> objects(UUID id) {
        return pages("/v1/jobs/" + id + "/objects?limit=10000");
    }

    /** DELETE /v1/jobs/{id}: the job, its outputs and records go (the job must have ended). */
    public JsonNode deleteJob(UUID id) {
        return send(request("/v1/jobs/" + id).DELETE());
    }

    private List<JsonNode> pages(String path) {
        List<JsonNode> all = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = get(path + (cursor == null ? "" : "&cursor=" + encode(cursor)));
            page.path("items").forEach(all::add);
            cursor = page.path("next_cursor").isTextual() ? page.path("next_cursor").asText() : null;
        } while (cursor != null);
        return all;
    }

    /** Reads a presigned URL as a stream; the caller closes it. */
    public InputStream open(String url, String what) {
        try {
            HttpResponse<InputStream> response = http().send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofMinutes(5)).build(), HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                response.body().close();
                throw new ApiError(response.statusCode(), "reading " + what + " failed: HTTP " + response.statusCode(),
                        null);
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + what + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    public JsonNode models() {
        return get("/v1/models");
    }

    /** Registers a seeded random-init model (the kit's init) for the caller's tenant. */
    public JsonNode registerRandomModel(String id, String config, long seed) {
        return registerRandomModel(id, config, seed, false);
    }

    /** @param shared usable by every tenant (admins only) */
    public JsonNode registerRandomModel(String id, String config, long seed, boolean shared) {
        ObjectNode body = JSON.createObjectNode().put("id", id);
        body.putObject("random_init").put("config", config).put("seed", seed);
        return send(request("/v1/models" + (shared ? "?shared=true" : "")).POST(json(body))
                .header("Content-Type", "application/json").timeout(Duration.ofMinutes(10)));
    }

    /** Admin: creates a tenant. */
    public JsonNode createTenant(String id) {
        return send(request("/v1/tenants").POST(json(JSON.createObjectNode().put("id", id)))
                .header("Content-Type", "application/json"));
    }

    /** Admin: a new API key for {@code tenant}; the key itself is only in this response. */
    public String createKey(String tenant, String role) {
        return send(request("/v1/tenants/" + encode(tenant) + "/keys").POST(json(JSON.createObjectNode()
                .put("role", role))).header("Content-Type", "application/json")).path("key").asText();
    }

    /** Uploads a pickle, checkpoint or zipped bundle for import. */
    public JsonNode uploadModel(String id, Path file) {
        try {
            return send(request("/v1/models?id=" + encode(id)).header("Content-Type", "application/octet-stream")
                    .POST(HttpRequest.BodyPublishers.ofFile(file)).timeout(Duration.ofMinutes(30)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** POST /v1/uploads: one PNG or JPEG as the multipart part {@code file}; the stored upload (its id). */
    public JsonNode uploadImage(Path image) {
        String boundary = "stylefarm-" + java.util.UUID.randomUUID();
        String name = image.getFileName().toString().replaceAll("[\"\\r\\n]", "_");
        try {
            byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name
                    + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
            body.write(head);
            body.write(Files.readAllBytes(image));
            body.write(tail);
            return send(request("/v1/uploads").header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Downloads a presigned URL to {@code target}. */
    public void download(String url, Path target) {
        try (InputStream in = open(url, target.getFileName().toString())) {
            Files.createDirectories(target.toAbsolutePath().getParent());
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Raw access for tests: method, path, body, headers; returns status and body. */
    public Raw raw(String method, String path, String contentType, byte[] body, Consumer<HttpRequest.Builder> extra) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        if (apiKey != null) {
            builder.header("Authorization", "Bearer " + apiKey);
        }
        extra.accept(builder);
        try {
            HttpResponse<String> response = http().send(builder.build(), HttpResponse.BodyHandlers.ofString());
            return new Raw(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    public record Raw(int status, String contentType, String body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(60))
                .header("Accept", "application/json");
        if (apiKey != null) {
            builder.header("Authorization", "Bearer " + apiKey);
        }
        return builder;
    }

    private synchronized HttpClient http() {
        if (http == null) {
            http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        }
        return http;
    }

    /**
     * A GET of JSON through {@link HttpURLConnection}, which starts in milliseconds: what {@code ./farm jobs}, {@code
     * job} and {@code status} do, and why they answer in under a second (README: "CLI start-up").
     */
    private JsonNode get(String path) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(baseUrl + path).toURL().openConnection();
            c.setConnectTimeout(5_000);
            c.setReadTimeout(60_000);
            c.setRequestProperty("Accept", "application/json");
            if (apiKey != null) {
                c.setRequestProperty("Authorization", "Bearer " + apiKey);
            }
            try {
                int status = c.getResponseCode();
                InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
                String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
                return answer(status, body);
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach the gateway at " + baseUrl + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode answer(int status, String text) throws IOException {
        JsonNode body = text.isEmpty() ? JSON.nullNode() : JSON.readTree(text);
        if (status >= 400) {
            throw new ApiError(status, body.path("detail").asText("HTTP " + status), body.path("field").asText(null));
        }
        return body;
    }

    private JsonNode send(HttpRequest.Builder builder) {
        try {
            HttpResponse<String> response = http().send(builder.build(), HttpResponse.BodyHandlers.ofString());
            return answer(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach the gateway at " + baseUrl + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static HttpRequest.BodyPublisher json(JsonNode node) {
        try {
            return HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(node));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** An error response: status, the server's detail, and the field it names. */
    public static final class ApiError extends RuntimeException {
        private final int status;
        private final String field;

        public ApiError(int status, String detail, String field) {
            super(detail);
            this.status = status;
            this.field = field;
        }

        public int status() {
            return status;
        }

        public String field() {
            return field;
        }
    }
}
