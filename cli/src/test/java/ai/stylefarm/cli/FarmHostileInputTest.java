package ai.stylefarm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stylefarm.cli.client.GatewayClient;
import ai.stylefarm.cli.local.LocalFarm;
import ai.stylefarm.cli.local.LocalFarmConfig;
import ai.stylefarm.infra.StackConfig;
import ai.stylefarm.modelkit.ModelKit;
import ai.stylefarm.modelkit.bundle.ModelBundle;
import ai.stylefarm.modelkit.bundle.ModelManifest;
import ai.stylefarm.modelkit.io.Hashing;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway as a hostile tenant meets it, on the whole real stack: every endpoint, every field of every job kind,
 * malformed and oversized bodies, huge and non-finite numbers, control characters, traversal, odd paths and
 * headers, bombs and corrupt files. Each request must get a 4xx problem+json that names the field at fault, and the
 * whole suite must store nothing: no row in any table, no object in the bucket.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FarmHostileInputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "tiny";
    private static final String OWN_MODEL = "mine";
    private static final String NUL_IN_PATH = "%00";

    @TempDir
    static Path tmp;

    static LocalFarm farm;
    static GatewayClient admin;
    static GatewayClient acme;
    static RawHttp rawAdmin;
    static RawHttp rawAcme;
    static RawHttp rawGlobex;
    static String upload;
    static String finishedJob;
    static String acmeKeyId;

    /** Every hostile request and what it got, for the tally and the failures. */
    static final List<String> failures = new ArrayList<>();
    static final Map<Integer, Integer> statuses = new TreeMap<>();
    static int requests;

    @BeforeAll
    static void startFarm() throws Exception {
        farm = LocalFarm.start(new LocalFarmConfig(LocalFarmConfig.findHome(), StackConfig.defaults(tmp.resolve("farm")),
                0, 0, 1, FarmTestSupport.settings(Map.of(
                        "api.max-upload-bytes", "300000",
                        "api.max-bundle-bytes", "20000000"))), "sfk_hostile-" + UUID.randomUUID());
        admin = new GatewayClient(farm.gatewayUrl(), farm.adminKey());
        admin.registerRandomModel(MODEL, "tiny32", 7, true);
        FarmTestSupport.Tenants tenants = FarmTestSupport.Tenants.create(admin);
        acme = tenants.acme();
        acme.registerRandomModel(OWN_MODEL, "tiny32", 8);
        rawAdmin = new RawHttp(farm.gatewayUrl(), farm.adminKey());
        rawAcme = new RawHttp(farm.gatewayUrl(), acme.apiKey());
        rawGlobex = new RawHttp(farm.gatewayUrl(), tenants.globex().apiKey());
        upload = acme.uploadImage(writeImage("target.png")).path("id").asText();
        acmeKeyId = acme.raw("GET", "/v1/keys", null, null, b -> { }).json().get(0).path("id").asText();
        JsonNode job = acme.generate(MODEL, JSON.createObjectNode().put("seeds", "0-3"));
        finishedJob = job.path("id").asText();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofMinutes(2))
                .until(() -> "SUCCEEDED".equals(acme.job(UUID.fromString(finishedJob)).path("state").asText()));
    }

    @AfterAll
    static void stopFarm() {
        FarmTestSupport.verifyEveryJobAndClose(farm);
    }

    @Test
    @Order(1)
    void everyBaseJobIsValidSoThatEachMutationAloneIsAtFault() throws Exception {
        List<UUID> jobs = new ArrayList<>();
        for (Map.Entry<String, ObjectNode> base : bases().entrySet()) {
            GatewayClient.Raw accepted = FarmTestSupport.postJob(acme, base.getValue().toString());
            assertEquals(202, accepted.status(), base.getKey() + ": " + accepted.body());
            jobs.add(UUID.fromString(accepted.json().path("id").asText()));
            acme.cancel(jobs.get(jobs.size() - 1));
        }
        // Settled (ended, and what their cancelled tasks left swept away), so the suite's snapshots see only itself.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofMinutes(2)).until(() -> FarmTestSupport.count(farm,
                "SELECT count(*) FROM jobs WHERE state NOT IN ('SUCCEEDED', 'FAILED', 'CANCELLED') OR (state <>"
                        + " 'SUCCEEDED' AND leftovers_swept_at IS NULL)") == 0);
    }

    @Test
    @Order(2)
    void hundredsOfHostileRequestsGetProblemsNamingTheFieldAndStoreNothing() throws Exception {
        Map<String, Long> before = snapshot();

        jobFields();
        jsonBodies();
        pathIds();
        queryParameters();
        headersAndTargets();
        uploads();
        modelRegistrations();
        tenantsAndKeys();

        Map<String, Long> after = snapshot();
        System.out.printf("hostile input: %d requests, statuses %s, %d failures%n", requests, statuses, failures.size());
        assertEquals(List.of(), failures, failures.size() + " of " + requests + " hostile requests were mishandled");
        assertTrue(requests >= 300, requests + " requests");
        assertFalse(statuses.keySet().stream().anyMatch(s -> s >= 500), statuses.toString());
        assertEquals(before, after, "rows per table and objects in the bucket");
    }

    @Test
    @Order(3)
    void aStoredSpecThatNoLongerParsesBreaksNoRead() throws Exception {
        // What issue 16 found in the wild: w stored as "Infinity", which no reader of the spec accepts.
        UUID broken = UUID.randomUUID();
        try (var c = FarmTestSupport.db(farm); var s = c.prepareStatement("INSERT INTO jobs (id, tenant_id, kind, model_id,"
                + " spec, state, items_total, created_at, updated_at, finished_at) VALUES (?, 'acme', 'interpolate', ?,"
                + " '{\"keyframes\": [{\"w\": [\"Infinity\"]}, 1]}', 'SUCCEEDED', 0, now(), now(), now())")) {
            s.setObject(1, broken);
            s.setString(2, FarmTestSupport.modelKey(farm, MODEL));
            s.executeUpdate();
        }
        for (GatewayClient client : List.of(acme, admin)) {
            GatewayClient.Raw list = client.raw("GET", "/v1/jobs?limit=100", null, null, b -> { });
            assertEquals(200, list.status(), list.body());
            assertTrue(list.body().contains(broken.toString()), list.body());
            assertEquals(200, client.raw("GET", "/v1/jobs/" + broken, null, null, b -> { }).status());
            assertEquals(200, client.raw("GET", "/v1/throughput", null, null, b -> { }).status());
        }
        RawHttp.Response stream = rawAcme.send("GET", "/v1/jobs/" + broken + "/tasks", null, null, Map.of());
        assertEquals(200, stream.status(), stream.text());
    }

    @Test
    @Order(4)
    void filesWithSecretsAreTheOwnersAloneAndNoSecretIsOnACommandLine() throws Exception {
        Path data = farm.stack().dataDir();
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("stack.json"))));
        String secret = farm.endpoints().s3SecretKey();
        String password = farm.endpoints().jdbcPassword();
        for (var service : List.of(farm.gateway(), farm.scheduler(), farm.workers().get(0))) {
            String commandLine = ProcessHandle.of(service.pid()).orElseThrow().info().commandLine().orElse("");
            assertFalse(commandLine.contains("secret-key=") || commandLine.contains("secret.key=")
                    || commandLine.contains(secret), service.name() + ": " + commandLine);
            assertFalse(commandLine.contains("password=" + password), service.name());
        }
        try (var args = Files.list(data.resolve("logs"))) {
            for (Path file : args.filter(f -> f.toString().endsWith(".args")).toList()) {
                assertFalse(Files.readString(file).contains(secret), file.toString());
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The suite

    /** One valid job of each kind, minimal, so that a mutated field is the only thing wrong with it. */
    private static Map<String, ObjectNode> bases() throws Exception {
        Map<String, ObjectNode> bases = new LinkedHashMap<>();
        bases.put("generate", job("generate", MODEL, "{'seeds': '0-3'}"));
        bases.put("style_mix", job("style_mix", MODEL, "{'row_seeds': '1,2', 'col_seeds': '3', 'styles': '0-3'}"));
        ObjectNode interpolate = job("interpolate", MODEL, "{'keyframes': [1, 2], 'frames_per_keyframe': 2}");
        ArrayNode w = ((ArrayNode) interpolate.path("spec").path("keyframes")).addObject().putArray("w");
        for (int i = 0; i < 64; i++) {
            w.add(0.01 * i);
        }
        bases.put("interpolate", interpolate);
        bases.put("project", job("project", OWN_MODEL, "{'targets': [{'upload': '" + upload + "'},"
                + " {'job': '" + finishedJob + "', 'key': 'jobs/" + finishedJob + "/images/seed00000001.png'}],"
                + " 'steps': 5}"));
        bases.put("calibrate", job("calibrate", OWN_MODEL, "{'positives': 2, 'negatives': [{'upload': '" + upload
                + "'}, {'upload': '" + upload + "'}], 'steps': 5}"));
        return bases;
    }

    /** Fields of which a spec has exactly one. */
    private static final Map<String, String> ALTERNATIVES = Map.of("spec.seeds", "keyframes",
            "spec.negative_model", "negatives");

    /** Values that no field takes: they must be refused wherever they appear. */
    private static List<String> hostileValues() {
        return List.of("\"\\u0000\"", "\"seed\\u0000s\"", "\"\\u0007\"", "\"\\u001b[2J\"", "\"\\u202eevil\"",
                "\"\\ud800\"", "1e400", "-1e400", "1180591620717411303424", "-1180591620717411303424",
                "[".repeat(1500) + "]".repeat(1500));
    }

    /** Every field of every job kind (and the envelope's), set to every hostile value, one at a time. */
    private static void jobFields() throws Exception {
        Map<String, List<String>> fields = new LinkedHashMap<>();
        fields.put("generate", List.of("seeds", "truncation_psi", "truncation_cutoff", "class_idx", "noise_mode",
                "format", "jpeg_quality", "layout", "shard_size", "include_latents"));
        fields.put("style_mix", List.of("row_seeds", "col_seeds", "styles", "truncation_psi", "class_idx",
                "noise_mode"));
        fields.put("interpolate", List.of("keyframes", "seeds", "space", "kind", "frames_per_keyframe", "loop", "fps",
                "grid", "truncation_psi", "class_idx", "noise_mode", "keep_frames", "crf", "preset", "frames_per_task",
                "scale", "keyframes[0]", "keyframes[2].w", "keyframes[2].w[5]", "keyframes[1].seed",
                "keyframes[1].projection", "keyframes[1].target"));
        fields.put("project", List.of("targets", "targets[0]", "targets[0].upload", "targets[0].job",
                "targets[0].key", "targets[0].name", "targets[1].job", "targets[1].key", "steps", "space",
                "optimize_noise", "seed", "save_video", "threshold"));
        fields.put("calibrate", List.of("positives", "negatives", "negatives[0].upload", "negatives[1].name",
                "negative_model", "fpr", "steps", "space", "optimize_noise", "seed"));
        Map<String, ObjectNode> bases = bases();
        for (Map.Entry<String, List<String>> kind : fields.entrySet()) {
            List<String> paths = new ArrayList<>();
            kind.getValue().forEach(f -> paths.add("spec." + f));
            paths.addAll(List.of("kind", "model", "priority", "spec", "x"));
            for (String path : paths) {
                ObjectNode base = bases.get(kind.getKey()).deepCopy();
                // A field and its alternative together are at fault together: the mutation takes the other's place.
                String alternative = ALTERNATIVES.get(path);
                if (alternative != null) {
                    ((ObjectNode) base.path("spec")).remove(alternative);
                }
                for (String value : hostileValues()) {
                    String body = withValue(base, path, value);
                    RawHttp.Response response = rawAcme.send("POST", "/v1/jobs", "application/json",
                            body.getBytes(StandardCharsets.UTF_8), Map.of());
                    boolean deep = value.startsWith("[[");
                    expect(kind.getKey() + " " + path + " = " + abbreviate(value), response,
                            deep ? List.of("body") : ancestors(path));
                }
            }
        }
    }

    /** Malformed, empty, oversized and mistyped bodies on every endpoint that reads JSON. */
    private static void jsonBodies() {
        List<String> endpoints = List.of("POST /v1/jobs", "POST /v1/models", "POST /v1/tenants",
                "PATCH /v1/tenants/acme", "POST /v1/tenants/acme/keys");
        List<byte[]> bodies = new ArrayList<>();
        for (String text : List.of("", "{", "[1, 2]", "null", "\"text\"", "{\"a\": 1}{", "{'single': 1}", "{\"a\": 1,}",
                "{\"a\": 1e400}", "{\"x\": \"\\u0000\"}", "{\"\\u0000\": 1}", "[".repeat(3000),
                "{\"a\": \"" + "x".repeat(1_100_000) + "\"}", "{\"a\": " + "9".repeat(2000) + "}")) {
            bodies.add(text.getBytes(StandardCharsets.UTF_8));
        }
        bodies.add(new byte[] {(byte) 0xff, (byte) 0xfe, '{', '}'});
        bodies.add(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xc3, '"', '}'});
        for (String endpoint : endpoints) {
            String[] parts = endpoint.split(" ");
            for (byte[] body : bodies) {
                String what = endpoint + " body " + abbreviate(new String(body, 0, Math.min(body.length, 40),
                        StandardCharsets.ISO_8859_1));
                expect(what, rawAdmin.send(parts[0], parts[1], "application/json", body, Map.of()), null);
            }
        }
    }

    /** Ids in paths that are not ids, or name nothing the caller may see, on every endpoint that takes one. */
    private static void pathIds() {
        List<String> templates = List.of("GET /v1/jobs/ID", "GET /v1/jobs/ID/artifacts", "GET /v1/jobs/ID/objects",
                "GET /v1/jobs/ID/tasks", "GET /v1/jobs/ID/pictures", "GET /v1/jobs/ID/projections",
                "POST /v1/jobs/ID/cancel", "POST /v1/jobs/ID/retry", "DELETE /v1/jobs/ID", "GET /v1/uploads/ID",
                "DELETE /v1/uploads/ID", "GET /v1/models/ID", "DELETE /v1/models/ID", "PATCH /v1/tenants/ID",
                "POST /v1/tenants/ID/keys", "DELETE /v1/tenants/acme/keys/ID", "DELETE /v1/keys/ID",
                "POST /v1/keys/ID/rotate");
        List<String> ids = List.of("{id}", NUL_IN_PATH, "..%2F..%2Fetc%2Fpasswd", "../../etc/passwd", "%%",
                "a".repeat(300), "00000000-0000-0000-0000-000000000000", "%E2%80%AE", "%F0%28%8C%28", "a%0Ab",
                "%7B%7D", "Ünïcödé");
        for (String template : templates) {
            String[] parts = template.split(" ");
            for (String id : ids) {
                String target = parts[1].replace("ID", id);
                byte[] body = parts[0].equals("GET") || parts[0].equals("DELETE") ? null
                        : "{}".getBytes(StandardCharsets.UTF_8);
                // Another tenant's existing job is as good as missing.
                expect(template + " id " + abbreviate(id), rawAcme.send(parts[0], target, "application/json", body,
                        Map.of()), null);
            }
        }
        expect("another tenant's job", rawGlobex.send("GET", "/v1/jobs/" + finishedJob, null, null, Map.of()),
                List.of("id"));
        expect("another tenant's job's artifacts", rawGlobex.send("GET", "/v1/jobs/" + finishedJob + "/artifacts", null,
                null, Map.of()), List.of("id"));
        expect("another tenant's job's deletion", rawGlobex.send("DELETE", "/v1/jobs/" + finishedJob, null, null,
                Map.of()), List.of("id"));
        expect("another tenant's upload", rawGlobex.send("DELETE", "/v1/uploads/" + upload, null, null, Map.of()),
                List.of("id"));
        expect("another tenant's model", rawGlobex.send("DELETE", "/v1/models/" + OWN_MODEL, null, null, Map.of()),
                List.of("id"));
        expect("another tenant's key", rawGlobex.send("DELETE", "/v1/keys/" + acmeKeyId, null, null, Map.of()),
                List.of("key"));
    }

    /** Query parameters that are not what they must be. */
    private static void queryParameters() {
        List<String> paged = List.of("/v1/jobs", "/v1/jobs/" + finishedJob + "/artifacts", "/v1/jobs/" + finishedJob
                + "/objects", "/v1/jobs/" + finishedJob + "/tasks", "/v1/jobs/" + finishedJob + "/pictures",
                "/v1/jobs/" + finishedJob + "/projections");
        for (String path : paged) {
            for (String limit : List.of("abc", "1.5", "-1", "0", "99999999999", NUL_IN_PATH, "%ZZ", "1%20OR%201%3D1",
                    "%E2%80%AE1")) {
                expect(path + "?limit=" + limit, rawAcme.send("GET", path + "?limit=" + limit, null, null, Map.of()),
                        List.of("limit"));
            }
        }
        for (String path : List.of("/v1/jobs", "/v1/jobs/" + finishedJob + "/artifacts",
                "/v1/jobs/" + finishedJob + "/objects")) {
            for (String cursor : List.of("%%%", "garbage", "%27%3B%20DROP%20TABLE%20jobs%3B--", "x".repeat(5000),
                    NUL_IN_PATH, "-5", "jobs%2Fother%2F")) {
                expect(path + "?cursor=" + abbreviate(cursor), rawAcme.send("GET", path + "?cursor=" + cursor, null,
                        null, Map.of()), List.of("cursor"));
            }
        }
        for (String query : List.of("state=RUN", "state=" + NUL_IN_PATH, "kind=paint", "kind=%0A", "tenant=%00",
                "state=" + "x".repeat(3000))) {
            String field = query.substring(0, query.indexOf('='));
            expect("/v1/jobs?" + abbreviate(query), rawAcme.send("GET", "/v1/jobs?" + query, null, null, Map.of()),
                    List.of(field));
        }
        expect("tenant of another", rawAcme.send("GET", "/v1/jobs?tenant=globex", null, null, Map.of()),
                List.of("Authorization"));
        expect("internal=maybe", rawAcme.send("GET", "/v1/jobs/" + finishedJob + "/artifacts?internal=maybe", null,
                null, Map.of()), List.of("internal"));
        expect("shared=maybe", rawAdmin.send("POST", "/v1/models?shared=maybe&id=x", "application/octet-stream",
                new byte[10], Map.of()), List.of("shared"));
        expect("models of another tenant", rawAcme.send("GET", "/v1/models/" + MODEL + "?tenant=globex", null, null,
                Map.of()), List.of("Authorization"));
        expect("query name NUL", rawAcme.send("GET", "/v1/jobs?%00=1", null, null, Map.of()), List.of("query"));
    }

    /** Oversized headers and request lines, control characters in headers, methods and media types. */
    private static void headersAndTargets() {
        expect("100 kB header", rawAcme.send("GET", "/v1/jobs", null, null, Map.of("X-Big", "a".repeat(100_000))),
                List.of("X-Big"));
        Map<String, String> many = new LinkedHashMap<>();
        for (int i = 0; i < 24; i++) {
            many.put("X-Padding-" + i, "p".repeat(1000));
        }
        expect("24 kB of headers", rawAcme.send("GET", "/v1/jobs", null, null, many), List.of("headers"));
        expect("long key", rawAcme.withKey("k".repeat(10_000)).send("GET", "/v1/jobs", null, null, Map.of()),
                List.of("Authorization"));
        expect("10 kB target", rawAcme.send("GET", "/v1/jobs?x=" + "a".repeat(10_000), null, null, Map.of()),
                List.of("url"));
        expect("long Idempotency-Key", rawAcme.send("POST", "/v1/jobs", "application/json",
                "{}".getBytes(StandardCharsets.UTF_8), Map.of("Idempotency-Key", "i".repeat(300))),
                List.of("Idempotency-Key"));
        expect("no key", rawAcme.withKey(null).send("GET", "/v1/jobs", null, null, Map.of()), List.of("Authorization"));
        expect("revoked-looking key", rawAcme.withKey("sfk_nope").send("GET", "/v1/jobs", null, null, Map.of()),
                List.of("Authorization"));
        expect("Basic auth", rawAcme.withKey(null).send("GET", "/v1/jobs", null, null,
                Map.of("Authorization", "Basic YTpi")), List.of("Authorization"));
        expect("PUT /v1/jobs", rawAcme.send("PUT", "/v1/jobs", "application/json", "{}".getBytes(StandardCharsets.UTF_8),
                Map.of()), List.of("method"));
        expect("PATCH /v1/jobs", rawAcme.send("PATCH", "/v1/jobs", "application/json",
                "{}".getBytes(StandardCharsets.UTF_8), Map.of()), List.of("method"));
        expect("unknown route", rawAcme.send("GET", "/v1/nothing-here", null, null, Map.of()), List.of("path"));
        expect("a chunked job", rawAcme.send("POST", "/v1/jobs", "application/json",
                "2\r\n{}\r\n0\r\n\r\n".getBytes(StandardCharsets.UTF_8), Map.of("Transfer-Encoding", "chunked",
                        "Content-Length", "")), List.of("Content-Length"));
        expect("a job that claims 10 GB", rawAcme.send("POST", "/v1/jobs", "application/json",
                "{}".getBytes(StandardCharsets.UTF_8), Map.of("Content-Length", "10000000000")), List.of("body"));
        expect("an upload that claims 10 GB", rawAcme.send("POST", "/v1/uploads", "multipart/form-data; boundary=B",
                "--B".getBytes(StandardCharsets.UTF_8), Map.of("Content-Length", "10000000000")), List.of("file"));
        expect("uploads as JSON", rawAcme.send("POST", "/v1/uploads", "application/json",
                "{}".getBytes(StandardCharsets.UTF_8), Map.of()), List.of("Content-Type"));
        expect("user asks for workers", rawAcme.send("GET", "/v1/workers", null, null, Map.of()),
                List.of("Authorization"));
        expect("user asks for queues", rawAcme.send("GET", "/v1/queues", null, null, Map.of()),
                List.of("Authorization"));
        expect("user creates a tenant", rawAcme.send("POST", "/v1/tenants", "application/json",
                "{\"id\": \"mine\"}".getBytes(StandardCharsets.UTF_8), Map.of()), List.of("Authorization"));
    }

    /** Uploads that are not complete, acceptable images in a well-formed multipart body. */
    private static void uploads() throws Exception {
        byte[] jpeg = TestImages.image(64, 48, BufferedImage.TYPE_3BYTE_BGR, "jpeg");
        byte[] png = TestImages.image(64, 48, BufferedImage.TYPE_3BYTE_BGR, "png");
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("cut.jpg", java.util.Arrays.copyOf(jpeg, jpeg.length * 9 / 10));
        files.put("cut.png", java.util.Arrays.copyOf(png, png.length * 9 / 10));
        files.put("alpha.png", TestImages.image(8, 8, BufferedImage.TYPE_4BYTE_ABGR, "png"));
        files.put("bomb.png", TestImages.pngHeaderOnly(100_000, 100_000));
        files.put("text.png", "not an image".getBytes(StandardCharsets.UTF_8));
        files.put("empty.png", new byte[0]);
        files.put("huge.png", new byte[400_000]);
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            expect("upload " + file.getKey(), multipart(file.getKey(), file.getValue(), true), List.of("file", "body"));
        }
        expect("upload truncated mid-part", multipart("cut.png", png, false), List.of("file", "body"));
        expect("upload with a control character in its file name", multipart("a\u0001b.png", png, true),
                List.of("file"));
        expect("upload without a file part", rawAcme.send("POST", "/v1/uploads", "multipart/form-data; boundary=B",
                "--B\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--B--\r\n"
                        .getBytes(StandardCharsets.UTF_8), Map.of()), List.of("file"));
        expect("upload of garbage", rawAcme.send("POST", "/v1/uploads", "multipart/form-data; boundary=B",
                "garbage".getBytes(StandardCharsets.UTF_8), Map.of()), List.of("file", "body"));
        expect("upload without a boundary", rawAcme.send("POST", "/v1/uploads", "multipart/form-data",
                "garbage".getBytes(StandardCharsets.UTF_8), Map.of()), List.of("file", "body", "Content-Type"));
    }

    private static RawHttp.Response multipart(String filename, byte[] content, boolean complete) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        body.writeBytes(content);
        if (complete) {
            body.writeBytes("\r\n--B--\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        return rawAcme.send("POST", "/v1/uploads", "multipart/form-data; boundary=B", body.toByteArray(), Map.of());
    }

    /** Model files and registrations that must be refused before they cost anything. */
    private static void modelRegistrations() throws Exception {
        Path bundle = tmp.resolve("bundle");
        ModelBundle made = ModelKit.writeBundle(ModelKit.randomInit("tiny32", 11), "t", bundle);
        RawHttp.Response bomb = rawModel("bomb", zip(made, ModelBundle.MAPPING, new byte[50_000_000], false));
        expect("zip bomb", bomb, List.of("body"));
        saysWhy("zip bomb", bomb, 413, "api.max-bundle-bytes");
        RawHttp.Response liar = rawModel("liar", zip(made, ModelBundle.MAPPING, new byte[30_000_000], true));
        expect("zip bomb with a lying directory", liar, List.of("body"));
        saysWhy("zip bomb with a lying directory", liar, 422, "api.max-compression-ratio");
        byte[] graph = Files.readAllBytes(made.file(ModelBundle.SYNTHESIS));
        RawHttp.Response corrupt = rawModel("corrupt", zip(made, ModelBundle.SYNTHESIS,
                java.util.Arrays.copyOf(graph, graph.length / 2), false));
        expect("corrupt synthesis.onnx with its checksum", corrupt, List.of("body"));
        saysWhy("corrupt synthesis.onnx", corrupt, 422, "synthesis.onnx");
        byte[] mapping = Files.readAllBytes(made.file(ModelBundle.MAPPING));
        byte[] garbled = mapping.clone();
        for (int i = 0; i < garbled.length; i += 7) {
            garbled[i] ^= 0x5a;
        }
        expect("garbled mapping.onnx with its checksum", rawModel("garbled", zip(made, ModelBundle.MAPPING, garbled,
                false)), List.of("body"));
        expect("empty model", rawModel("empty", new byte[0]), List.of("body"));
        expect("garbage model", rawModel("garbage", "not a pickle".getBytes(StandardCharsets.UTF_8)), List.of("body"));
        expect("model id with capitals", rawModel("Ffhq", new byte[10]), List.of("id"));
        expect("model id with NUL", rawModel("a%00b", new byte[10]), List.of("id"));
        expect("no model id", rawAcme.send("POST", "/v1/models", "application/octet-stream", new byte[10], Map.of()),
                List.of("id"));
        expect("a long model name", rawAcme.send("POST", "/v1/models?id=named&name=" + "n".repeat(300),
                "application/octet-stream", new byte[10], Map.of()), List.of("name"));
        for (String body : List.of("{\"id\": \"r1\", \"random_init\": {\"config\": \"tiny32\", \"seed\": 1180591620717411303424}}",
                "{\"id\": \"r1\", \"random_init\": {\"config\": \"tiny32\", \"seed\": -1}}",
                "{\"id\": \"r1\", \"random_init\": {\"config\": \"gigantic\"}}",
                "{\"id\": \"r1\", \"random_init\": {\"config\": \"tiny32\", \"colour\": 1}}",
                "{\"id\": \"r1\", \"random_init\": \"tiny32\"}",
                "{\"id\": \"r1\", \"name\": 5, \"random_init\": {\"config\": \"tiny32\"}}",
                "{\"id\": \"" + MODEL + "\", \"random_init\": {\"config\": \"tiny32\"}}",
                "{\"id\": \"" + OWN_MODEL + "\", \"random_init\": {\"config\": \"tiny32\"}}",
                "{\"id\": \"r1\", \"random_init\": {\"config\": \"tiny32\"}, \"extra\": true}")) {
            expect("random init " + abbreviate(body), rawAcme.send("POST", "/v1/models", "application/json",
                    body.getBytes(StandardCharsets.UTF_8), Map.of()), null);
        }
    }

    private static RawHttp.Response rawModel(String id, byte[] body) {
        return rawAcme.send("POST", "/v1/models?id=" + id, "application/octet-stream", body, Map.of());
    }

    /**
     * A bundle zip with {@code file} replaced by {@code content} and model.json's checksum updated to match it;
     * {@code lie} rewrites the central directory to claim the entry inflates to a few bytes.
     */
    private static byte[] zip(ModelBundle bundle, String file, byte[] content, boolean lie) throws Exception {
        Map<String, String> sums = new LinkedHashMap<>(bundle.manifest().files());
        sums.put(file, Hashing.sha256(content));
        ModelManifest manifest = bundle.manifest().withFiles(sums);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (String name : bundle.manifest().files().keySet()) {
                zip.putNextEntry(new ZipEntry(name));
                zip.write(name.equals(file) ? content : Files.readAllBytes(bundle.file(name)));
                zip.closeEntry();
            }
            zip.putNextEntry(new ZipEntry(ModelManifest.FILE_NAME));
            zip.write(new ObjectMapper().findAndRegisterModules().writeValueAsBytes(manifest));
            zip.closeEntry();
        }
        byte[] bytes = out.toByteArray();
        if (lie) {
            byte[] name = file.getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i + 46 + name.length < bytes.length; i++) {
                if (bytes[i] == 'P' && bytes[i + 1] == 'K' && bytes[i + 2] == 1 && bytes[i + 3] == 2
                        && java.util.Arrays.equals(bytes, i + 46, i + 46 + name.length, name, 0, name.length)) {
                    java.nio.ByteBuffer.wrap(bytes, i + 24, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(1000);
                }
            }
        }
        return bytes;
    }

    /** Tenants and keys: the admin's forms, refused field by field. */
    private static void tenantsAndKeys() {
        Map<String, String> tenantBodies = new LinkedHashMap<>();
        tenantBodies.put("{\"id\": \"Bad Id\"}", "id");
        tenantBodies.put("{\"id\": \"ok\", \"weight\": 1180591620717411303424}", "weight");
        tenantBodies.put("{\"id\": \"ok\", \"weight\": 18446744073709551621}", "weight");
        tenantBodies.put("{\"id\": \"ok\", \"weight\": 0}", "weight");
        tenantBodies.put("{\"id\": \"ok\", \"max_open_jobs\": 1.5}", "max_open_jobs");
        tenantBodies.put("{\"id\": \"ok\", \"retention_days\": 0}", "retention_days");
        tenantBodies.put("{\"id\": \"ok\", \"max_models\": -1}", "max_models");
        tenantBodies.put("{\"id\": \"ok\", \"name\": \"" + "n".repeat(300) + "\"}", "name");
        tenantBodies.put("{\"id\": \"ok\", \"name\": 5}", "name");
        tenantBodies.put("{\"id\": \"ok\", \"disabled_at\": 5}", "disabled_at");
        tenantBodies.put("{\"id\": \"acme\"}", "id");
        tenantBodies.forEach((body, field) -> expect("create tenant " + abbreviate(body), rawAdmin.send("POST",
                "/v1/tenants", "application/json", body.getBytes(StandardCharsets.UTF_8), Map.of()), List.of(field)));
        Map<String, String> patches = new LinkedHashMap<>();
        patches.put("{\"disabled\": \"yes\"}", "disabled");
        patches.put("{\"weight\": -3}", "weight");
        patches.put("{\"retention_days\": 100000}", "retention_days");
        patches.put("{\"id\": \"other\"}", "id");
        patches.forEach((body, field) -> expect("patch acme " + body, rawAdmin.send("PATCH", "/v1/tenants/acme",
                "application/json", body.getBytes(StandardCharsets.UTF_8), Map.of()), List.of(field)));
        expect("disable own tenant", rawAdmin.send("PATCH", "/v1/tenants/default", "application/json",
                "{\"disabled\": true}".getBytes(StandardCharsets.UTF_8), Map.of()), List.of("disabled"));
        Map<String, String> keyBodies = new LinkedHashMap<>();
        keyBodies.put("{\"role\": \"root\"}", "role");
        keyBodies.put("{\"role\": 5}", "role");
        keyBodies.put("{\"label\": \"" + "l".repeat(300) + "\"}", "label");
        keyBodies.put("{\"label\": \"a\\u0000b\"}", "label");
        keyBodies.put("{\"scopes\": []}", "scopes");
        keyBodies.forEach((body, field) -> expect("key " + abbreviate(body), rawAdmin.send("POST",
                "/v1/tenants/acme/keys", "application/json", body.getBytes(StandardCharsets.UTF_8), Map.of()),
                List.of(field)));
        expect("key for no tenant", rawAdmin.send("POST", "/v1/tenants/nobody/keys", "application/json",
                "{}".getBytes(StandardCharsets.UTF_8), Map.of()), List.of("tenant"));
        expect("user revokes an admin key", rawAcme.send("DELETE", "/v1/keys/" + adminKeyId(), null, null, Map.of()),
                List.of("key"));
    }

    private static String adminKeyId() {
        return admin.raw("GET", "/v1/keys", null, null, b -> { }).json().get(0).path("id").asText();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Checks

    /**
     * A problem: 4xx, {@code application/problem+json}, its status in the body, a detail, and a field: one of
     * {@code fields} when given (the field at fault or an ancestor of it), any otherwise.
     */
    private static void expect(String what, RawHttp.Response response, List<String> fields) {
        requests++;
        statuses.merge(response.status(), 1, Integer::sum);
        JsonNode problem = response.json();
        String why = null;
        if (response.status() < 400 || response.status() >= 500) {
            why = "status " + response.status();
        } else if (!response.contentType().startsWith("application/problem+json")) {
            why = "content type '" + response.contentType() + "'";
        } else if (problem == null || problem.path("status").asInt() != response.status()
                || problem.path("detail").asText("").isBlank()) {
            why = "not a problem";
        } else if (problem.path("field").asText("").isBlank()) {
            why = "no field named";
        } else if (fields != null && !fields.contains(problem.path("field").asText())) {
            why = "names " + problem.path("field").asText() + ", not one of " + fields;
        } else if (problem.path("detail").asText().contains("/tmp/") || problem.path("detail").asText()
                .contains(System.getProperty("user.dir"))) {
            why = "a server path in the detail";
        }
        if (why != null) {
            failures.add(what + ": " + why + " — " + abbreviate(response.text()));
        }
    }

    /** A problem whose status and detail say which limit or file was at fault. */
    private static void saysWhy(String what, RawHttp.Response response, int status, String words) {
        if (response.status() != status || !response.text().contains(words)) {
            failures.add(what + ": expected " + status + " naming " + words + " — " + abbreviate(response.text()));
        }
    }

    /** The path and every ancestor of it that names a field (so {@code spec.keyframes[2].w[5]} admits them all). */
    private static List<String> ancestors(String path) {
        List<String> all = new ArrayList<>();
        String p = path;
        while (!p.isEmpty()) {
            all.add(p);
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            p = cut <= 0 ? "" : p.substring(0, cut);
        }
        return all;
    }

    /** Rows per table and objects in the bucket. */
    private static Map<String, Long> snapshot() throws Exception {
        Map<String, Long> counts = new TreeMap<>();
        for (String table : List.of("tenants", "api_keys", "models", "uploads", "jobs", "tasks", "artifacts", "outbox",
                "job_events")) {
            counts.put(table, FarmTestSupport.count(farm, "SELECT count(*) FROM " + table));
        }
        counts.put("revoked keys", FarmTestSupport.count(farm, "SELECT count(*) FROM api_keys WHERE revoked_at IS NOT NULL"));
        counts.put("disabled tenants", FarmTestSupport.count(farm, "SELECT count(*) FROM tenants WHERE disabled_at IS NOT NULL"));
        var e = farm.endpoints();
        io.minio.MinioClient s3 = io.minio.MinioClient.builder().endpoint(e.s3Endpoint())
                .credentials(e.s3AccessKey(), e.s3SecretKey()).build();
        long objects = 0;
        for (var item : s3.listObjects(io.minio.ListObjectsArgs.builder().bucket(e.s3Bucket()).recursive(true).build())) {
            objects += item.get().objectName().isEmpty() ? 0 : 1;
        }
        counts.put("objects", objects);
        return counts;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Building requests

    private static ObjectNode job(String kind, String model, String spec) throws Exception {
        ObjectNode job = JSON.createObjectNode().put("kind", kind).put("model", model);
        job.set("spec", JSON.readTree(spec.replace('\'', '"')));
        return job;
    }

    /**
     * The base job as JSON text with the value at {@code path} ({@code spec.targets[0].upload}) set to the raw JSON
     * text {@code value}, which Jackson could not always represent (1e400, a lone surrogate, deep nesting).
     */
    private static String withValue(ObjectNode base, String path, String value) {
        ObjectNode copy = base.deepCopy();
        String marker = "@@" + UUID.randomUUID() + "@@";
        List<String> steps = new ArrayList<>();
        for (String part : path.split("\\.")) {
            int bracket = part.indexOf('[');
            steps.add(bracket < 0 ? part : part.substring(0, bracket));
            for (int i = bracket; i >= 0 && i < part.length(); i = part.indexOf('[', i + 1)) {
                steps.add(part.substring(i, part.indexOf(']', i) + 1));
            }
        }
        JsonNode node = copy;
        for (int i = 0; i < steps.size() - 1; i++) {
            String step = steps.get(i);
            JsonNode next = step.startsWith("[") ? node.get(Integer.parseInt(step.substring(1, step.length() - 1)))
                    : node.get(step);
            if (next == null || !(next.isContainerNode())) {
                next = steps.get(i + 1).startsWith("[") ? JSON.createArrayNode().add(0) : JSON.createObjectNode();
                set(node, step, next);
            }
            node = next;
        }
        set(node, steps.get(steps.size() - 1), JSON.getNodeFactory().textNode(marker));
        return copy.toString().replace("\"" + marker + "\"", value);
    }

    private static void set(JsonNode parent, String step, JsonNode value) {
        if (step.startsWith("[")) {
            ArrayNode array = (ArrayNode) parent;
            int index = Integer.parseInt(step.substring(1, step.length() - 1));
            while (array.size() <= index) {
                array.add(0);
            }
            array.set(index, value);
        } else {
            ((ObjectNode) parent).set(step, value);
        }
    }

    private static String abbreviate(String text) {
        String head = text.length() <= 120 ? text : text.substring(0, 120);
        StringBuilder printable = new StringBuilder();
        head.chars().forEach(c -> printable.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c)
                : String.format("\\u%04x", c)));
        return text.length() <= 120 ? printable.toString() : printable + "…";
    }

    private static Path writeImage(String name) throws Exception {
        Path file = tmp.resolve(name);
        Files.write(file, TestImages.image(40, 30, BufferedImage.TYPE_3BYTE_BGR, "png"));
        return file;
    }
}
