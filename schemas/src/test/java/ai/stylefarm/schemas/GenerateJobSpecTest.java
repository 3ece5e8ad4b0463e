package ai.stylefarm.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GenerateJobSpecTest {

    private static JsonNode json(String text) {
        try {
            return Messages.mapper().readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void fillsInNvidiaDefaults() {
        GenerateJobSpec spec = GenerateJobSpec.parse(json("{'seeds': '0-99,105'}"));

        assertEquals(Seeds.parse("0-99,105"), spec.seeds());
        assertEquals(1.0, spec.truncationPsi());
        assertNull(spec.truncationCutoff());
        assertNull(spec.classIdx());
        assertEquals(NoiseMode.CONST, spec.noiseMode());
        assertEquals(ImageFormat.PNG, spec.format());
        assertEquals(Layout.FILES, spec.layout());
    }

    @Test
    void readsEveryField() {
        GenerateJobSpec spec = GenerateJobSpec.parse(json("{'seeds': [5, 1, 2], 'truncation_psi': 0.5,"
                + " 'truncation_cutoff': 8, 'class_idx': 3, 'noise_mode': 'random', 'format': 'jpeg',"
                + " 'layout': 'webdataset'}"));

        assertEquals(new GenerateJobSpec(Seeds.parse("1-2,5"), 0.5, 8, 3, NoiseMode.RANDOM, ImageFormat.JPEG,
                Layout.WEBDATASET), spec);
        assertEquals(spec, GenerateJobSpec.parse(Messages.mapper().valueToTree(spec)));
        assertTrue(GenerateJobSpec.validate(json("{'seeds': 7, 'class_idx': null}")).stream()
                .allMatch(e -> e.field().equals("seeds")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{}                                          | seeds             | is required",
            "{'seeds': null}                             | seeds             | is required",
            "{'seeds': '0-99,x'}                         | seeds             | 'x' is neither",
            "{'seeds': '10-5'}                           | seeds             | reversed",
            "{'seeds': '4294967296'}                     | seeds             | below 2^32",
            "{'seeds': []}                               | seeds             | must not be empty",
            "{'seeds': {'from': 1}}                      | seeds             | must be a string",
            "{'seeds': [1, -2]}                          | seeds[1]          | negative",
            "{'seeds': [1, 'two']}                       | seeds[1]          | must be an integer",
            "{'seeds': [1, 2.5]}                         | seeds[1]          | must be an integer",
            "{'seeds': '1', 'truncation_psi': 1e400}     | truncation_psi    | from -10 to 10",
            "{'seeds': '1', 'truncation_psi': 70}        | truncation_psi    | from -10 to 10",
            "{'seeds': '1', 'truncation_psi': 'NaN'}     | truncation_psi    | from -10 to 10",
            "{'seeds': '1', 'truncation_cutoff': -1}     | truncation_cutoff | non-negative",
            "{'seeds': '1', 'class_idx': 1.5}            | class_idx         | non-negative",
            "{'seeds': '1', 'noise_mode': 'loud'}        | noise_mode        | expected one of const, random, none",
            "{'seeds': '1', 'noise_mode': 1}             | noise_mode        | must be one of const, random, none",
            "{'seeds': '1', 'format': 'gif'}             | format            | png, jpeg",
            "{'seeds': '1', 'layout': 'zip'}             | layout            | files, webdataset",
            "{'seeds': '1', 'truncation_phi': 0.5}       | truncation_phi    | unknown field"})
    void namesTheOffendingField(String spec, String field, String message) {
        List<ValidationError> errors = GenerateJobSpec.validate(json(spec));

        assertEquals(1, errors.size(), errors.toString());
        assertEquals(field, errors.get(0).field());
        assertTrue(errors.get(0).message().contains(message), errors.get(0).message());
    }

    @Test
    void reportsEveryProblemAtOnce() {
        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> GenerateJobSpec.parse(
                json("{'seeds': '5-1', 'truncation_psi': 'x', 'noise_mode': 'loud', 'extra': 1}")));

        assertEquals(List.of("extra", "seeds", "truncation_psi", "noise_mode"),
                e.errors().stream().map(ValidationError::field).toList());
        assertEquals(List.of(new ValidationError("spec", "must be a JSON object")),
                GenerateJobSpec.validate(json("[1]")));
    }

    @Test
    void bindingGoesThroughValidation() {
        ValueInstantiationException e = assertThrows(ValueInstantiationException.class,
                () -> Messages.mapper().treeToValue(json("{'seeds': '5-1'}"), GenerateJobSpec.class));
        assertInstanceOf(InvalidSpecException.class, e.getCause());
    }

    @Test
    void makesTaskSpecsForChunks() {
        GenerateJobSpec spec = GenerateJobSpec.parse(json("{'seeds': '0-9', 'format': 'jpeg'}"));

        GenerateTaskSpec task = spec.forTask(spec.seeds().chunk(1, 4), "jobs/j/images/", 1);

        assertEquals(Seeds.parse("4-7"), task.seeds());
        assertEquals(TaskKind.GENERATE, task.kind());
        assertEquals("jobs/j/images/seed00000005.jpg", task.keyFor(5));
    }
}
