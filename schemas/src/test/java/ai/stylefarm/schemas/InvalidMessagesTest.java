package ai.stylefarm.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class InvalidMessagesTest {

    static Stream<Arguments> brokenDocuments() {
        return Stream.of(
                broken("stylefarm.job.v2.generate.json", "tenant", d -> d.remove("tenant")),
                broken("stylefarm.job.v2.generate.json", "job_id", d -> d.put("job_id", "not-a-uuid")),
                broken("stylefarm.job.v2.generate.json", "priority", d -> d.put("priority", 10)),
                broken("stylefarm.job.v2.generate.json", "kind", d -> d.put("kind", "paint")),
                broken("stylefarm.job.v2.generate.json", "schema", d -> d.put("schema", "stylefarm.job.v1")),
                broken("stylefarm.job.v2.generate.json", "color", d -> d.put("color", "red")),
                broken("stylefarm.job.v2.generate.json", "submitted_at", d -> d.put("submitted_at", "yesterday")),
                broken("stylefarm.job.v2.generate.json", "spec", d -> d.putObject("spec").put("seeds", "0-9")),
                broken("stylefarm.task.v1.generate.json", "attempt", d -> d.put("attempt", 0)),
                broken("stylefarm.task.v1.generate.json", "model_sha256", d -> d.put("model_sha256", "abc")),
                broken("stylefarm.task.v1.generate.json", "kind", d -> d.put("kind", "paint")),
                broken("stylefarm.task.v1.project.json", "target", d -> ((ObjectNode) spec(d).get("target")).put("seed", 3)),
                broken("stylefarm.task.v1.project.json", "output_prefix", d -> spec(d).put("output_prefix", "jobs/x/")),
                broken("stylefarm.task.v1.project.json", "space", d -> spec(d).put("space", "z")),
                broken("stylefarm.task.v1.calibrate-positive.json", "label", d -> spec(d).put("label", "maybe")),
                broken("stylefarm.task.v1.style-mix.json", "styles", d -> spec(d).putArray("styles").add(64)),
                broken("stylefarm.task.v1.generate.json", "noise_mode", d -> spec(d).put("noise_mode", "loud")),
                broken("stylefarm.task.v1.generate.json", "output_prefix", d -> spec(d).put("output_prefix", "../x/")),
                broken("stylefarm.task.v1.generate.json", "seeds", d -> spec(d).put("seeds", "-3")),
                broken("stylefarm.task.v1.generate.json", "seeds", d -> spec(d).put("seeds", "10-5")),
                broken("stylefarm.task.v1.generate.json", "truncation_psi", d -> spec(d).remove("truncation_psi")),
                broken("stylefarm.task-event.v1.succeeded.json", "outputs", d -> d.remove("outputs")),
                broken("stylefarm.task-event.v1.failed.json", "error", d -> d.remove("error")),
                broken("stylefarm.task-event.v1.started.json", "device", d -> d.remove("device")),
                broken("stylefarm.task-event.v1.started.json", "kind",
                        d -> ((ObjectNode) d.get("device")).put("kind", "tpu")),
                broken("stylefarm.task-event.v1.progress.json", "total", d -> d.remove("total")),
                broken("stylefarm.task-event.v1.progress.json", "done", d -> d.put("done", 65)),
                broken("stylefarm.task-event.v1.heartbeat.json", "type", d -> d.put("type", "started")),
                broken("stylefarm.task-event.v1.succeeded.json", "sha256",
                        d -> ((ObjectNode) d.get("outputs").get(0)).put("sha256", "XYZ")));
    }

    @ParameterizedTest(name = "{0} without a valid {1}")
    @MethodSource("brokenDocuments")
    void rejectsWithAReasonNamingTheField(String example, String field, Consumer<ObjectNode> breakIt)
            throws IOException {
        ObjectNode doc = (ObjectNode) Messages.mapper().readTree(ExamplesTest.example(example));
        breakIt.accept(doc);
        Class<?> type = ExamplesTest.typeOf(Path.of(example));

        MessageValidationException e = assertThrows(MessageValidationException.class,
                () -> Messages.parse(Messages.mapper().writeValueAsBytes(doc), type));

        assertTrue(e.getMessage().contains(field), e.getMessage());
        assertTrue(e.getMessage().startsWith(e.schema() + ": "), e.getMessage());
    }

    @Test
    void rejectsWhatIsNotJson() {
        MessageValidationException e = assertThrows(MessageValidationException.class,
                () -> Messages.parse("{\"schema\": ".getBytes(StandardCharsets.UTF_8), JobMessage.class));
        assertTrue(e.getMessage().startsWith("stylefarm.job.v2: not valid JSON"), e.getMessage());

        assertThrows(MessageValidationException.class, () -> Messages.parse(new byte[0], TaskEvent.class));
        assertThrows(MessageValidationException.class,
                () -> Messages.parse("{} {}".getBytes(StandardCharsets.UTF_8), TaskEvent.class));
    }

    @Test
    void reasonsListEveryProblem() {
        MessageValidationException e = assertThrows(MessageValidationException.class,
                () -> Messages.parse("{}".getBytes(StandardCharsets.UTF_8), JobMessage.class));
        for (String field : new String[] {"schema", "job_id", "tenant", "kind", "model_id", "priority", "submitted_at"}) {
            assertTrue(e.getMessage().contains("'" + field + "'"), e.getMessage());
        }
    }

    @Test
    void refusesToWriteAnInvalidMessage() {
        TaskMessage task = new TaskMessage(UUID.randomUUID(), UUID.randomUUID(), 0, "ffhq", null, "0".repeat(64),
                new GenerateTaskSpec(Seeds.range(0, 9), 1.0, null, null, NoiseMode.CONST, ImageFormat.PNG,
                        Layout.FILES, "jobs/" + UUID.randomUUID() + "/images/"),
                60, Instant.now());

        MessageValidationException e = assertThrows(MessageValidationException.class, () -> Messages.toJson(task));
        assertTrue(e.getMessage().contains("attempt"), e.getMessage());
    }

    @Test
    void onlyMessageTypesHaveACodec() {
        assertThrows(IllegalArgumentException.class, () -> Messages.parse("{}".getBytes(), GenerateJobSpec.class));
        assertThrows(IllegalArgumentException.class, () -> Messages.toJson("hello"));
    }

    @Test
    void factoriesCopyTheTaskIdentity() throws IOException {
        TaskMessage task = Messages.parse(ExamplesTest.example("stylefarm.task.v1.generate.json"), TaskMessage.class);
        GenerateTaskSpec spec = (GenerateTaskSpec) task.spec();
        Instant at = Instant.parse("2025-11-25T17:31:05Z");
        TaskEvent.Output output = new TaskEvent.Output(7L, spec.keyFor(7), "a".repeat(64), 10);

        for (TaskEvent event : new TaskEvent[] {
                TaskEvent.started(task, "w1", new TaskEvent.Device(TaskEvent.DeviceKind.CPU, "x86_64"), null, at),
                TaskEvent.heartbeat(task, "w1", null, null, at),
                TaskEvent.progress(task, "w1", 3, 64, at),
                TaskEvent.succeeded(task, "w1", List.of(output), at),
                TaskEvent.failed(task, "w1", new TaskEvent.Failure("x".repeat(5000), false), at)}) {
            TaskEvent back = Messages.parse(Messages.toJson(event), TaskEvent.class);
            assertEquals(event, back);
            assertEquals(task.taskId(), back.taskId());
            assertEquals(task.attempt(), back.attempt());
        }
        assertEquals("jobs/0b9e7a52-3c1f-4d7e-9a0b-6f2d1c3e4a5b/images/seed00000007.png", output.key());
    }

    private static Arguments broken(String example, String field, Consumer<ObjectNode> breakIt) {
        return Arguments.of(example, field, breakIt);
    }

    private static ObjectNode spec(ObjectNode doc) {
        return (ObjectNode) doc.get("spec");
    }
}
