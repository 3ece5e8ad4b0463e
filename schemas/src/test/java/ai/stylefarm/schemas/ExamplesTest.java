package ai.stylefarm.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ExamplesTest {
    static final Map<String, Class<?>> TYPES = Map.of(
            JobMessage.SCHEMA, JobMessage.class,
            TaskMessage.SCHEMA, TaskMessage.class,
            TaskEvent.SCHEMA, TaskEvent.class);

    static List<Path> examples() throws IOException, URISyntaxException {
        Path dir = Path.of(ExamplesTest.class.getResource("/examples").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }

    static Class<?> typeOf(Path example) {
        String name = example.getFileName().toString();
        return TYPES.entrySet().stream()
                .filter(e -> name.startsWith(e.getKey() + "."))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElseThrow(() -> new AssertionError(name + " is named after no schema"));
    }

    @ParameterizedTest
    @MethodSource("examples")
    void exampleValidatesAndRoundTrips(Path example) throws IOException {
        byte[] json = Files.readAllBytes(example);
        Object message = Messages.parse(json, typeOf(example));

        byte[] written = Messages.toJson(message);

        assertEquals(Messages.mapper().readTree(json), Messages.mapper().readTree(written));
        assertEquals(message, Messages.parse(written, typeOf(example)));
    }

    @Test
    void everySchemaHasAnExample() throws IOException, URISyntaxException {
        List<Path> examples = examples();
        for (String schema : TYPES.keySet()) {
            assertTrue(examples.stream().anyMatch(p -> p.getFileName().toString().startsWith(schema + ".")),
                    "no example for " + schema);
            assertFalse(ExamplesTest.class.getResource("/schemas/" + schema + ".schema.json") == null,
                    "no schema file for " + schema);
        }
    }

    @Test
    void jobMessageIsANoticeWithoutTheSpec() throws IOException {
        JobMessage job = Messages.parse(example("stylefarm.job.v2.generate.json"), JobMessage.class);

        assertEquals(JobKind.GENERATE, job.kind());
        assertFalse(Messages.mapper().valueToTree(job).has("spec"));
    }

    static byte[] example(String name) throws IOException {
        try (var in = ExamplesTest.class.getResourceAsStream("/examples/" + name)) {
            return in.readAllBytes();
        }
    }
}
