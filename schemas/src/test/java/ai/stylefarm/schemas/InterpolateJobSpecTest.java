package ai.stylefarm.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InterpolateJobSpecTest {
    private static JsonNode json(String text) {
        try {
            return Messages.mapper().readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void fillsInGenVideoDefaults() {
        InterpolateJobSpec spec = InterpolateJobSpec.parse(json("{'seeds': '1,2,3,4'}"));
        assertEquals(List.of(1L, 2L, 3L, 4L), spec.keyframes().stream().map(Keyframe::seed).toList());
        assertEquals(WalkSpace.W, spec.space());
        assertEquals(WalkKind.CUBIC, spec.kind());
        assertEquals(120, spec.framesPerKeyframe());
        assertEquals(60, spec.fps());
        assertEquals(NoiseMode.CONST, spec.noiseMode());
        assertEquals(1, spec.gridWidth());
        assertEquals(3 * 120 + 1, spec.frameCount());
        assertEquals(12, spec.crf());
    }

    @Test
    void aLoopHasKTimesFramesPerKeyframeFramesAndAGridDealsKeyframesToItsWalks() {
        InterpolateJobSpec spec = InterpolateJobSpec.parse(json(
                "{'seeds': [5, 6, 7, 8, 9, 10], 'grid': '3x1', 'loop': true, 'frames_per_keyframe': 30}"));
        assertEquals(2, spec.keyframesPerCell());
        assertEquals(60, spec.frameCount());
        assertEquals(180, spec.imageCount());
    }

    @Test
    void mixesSeedsInlineWsAndProjectionsAndKeepsTheirOrderInTheNormalisedSpec() {
        UUID job = UUID.randomUUID();
        InterpolateJobSpec spec = InterpolateJobSpec.parse(json("{'keyframes': [3, {'w': [0.5, -1, 2]},"
                + " {'projection': '" + job + "', 'target': 2}, {'seed': 4}]}"));
        assertEquals(3L, spec.keyframes().get(0).seed());
        assertTrue(Arrays.equals(new float[] {0.5f, -1f, 2f}, spec.keyframes().get(1).w()[0]));
        assertEquals(job, spec.keyframes().get(2).projection());
        assertEquals(2, spec.keyframes().get(2).target());
        InterpolateJobSpec again = InterpolateJobSpec.parse(Messages.mapper().valueToTree(spec));
        assertEquals(spec.keyframes().get(2), again.keyframes().get(2));
        assertTrue(Arrays.equals(spec.keyframes().get(1).w()[0], again.keyframes().get(1).w()[0]));
    }

    @Test
    void splitsTheFramesIntoSegmentTasksThatCoverTheVideoOnce() {
        UUID job = UUID.randomUUID();
        InterpolateJobSpec spec = InterpolateJobSpec.parse(json("{'seeds': '1-3', 'frames_per_keyframe': 10}"));
        assertEquals(21, spec.frameCount());
        assertEquals(3, spec.taskCount(8));
        InterpolateTaskSpec last = spec.forTask(2, 8, job, Arrays.asList(null, null, null));
        assertEquals(16, last.firstFrame());
        assertEquals(5, last.frameCount());
        assertEquals(21, last.totalFrames());
        assertEquals(ObjectKeys.segment(job, 2), last.segmentKey());
        assertNull(last.framesPrefix());
        assertEquals(TaskKind.INTERPOLATE, last.kind());
        assertEquals(WalkKind.CUBIC, last.walk());
    }

    private static final String PROJECTION = "6f1c0e2a-0000-4000-8000-000000000001";

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{'seeds': '7'}                                        | seeds",
            "{}                                                    | keyframes",
            "{'seeds': '1,2', 'keyframes': [1, 2]}                 | keyframes",
            "{'seeds': '1,2,3', 'grid': '2x1'}                     | grid",
            "{'seeds': '1,2,3,4', 'grid': '2x2'}                   | grid",
            "{'seeds': '1,2', 'grid': '0x3'}                       | grid",
            "{'seeds': '1,2', 'fps': 0}                            | fps",
            "{'seeds': '1,2', 'fps': 241}                          | fps",
            "{'seeds': '1,2', 'kind': 'bezier'}                    | kind",
            "{'seeds': '1,2', 'space': 'z', 'kind': 'cubic'}       | kind",
            "{'keyframes': [1, {'w': [1, 2]}], 'space': 'z'}       | keyframes",
            "{'keyframes': [1, {'w': [[1, 2], [3]]}]}              | keyframes[1]",
            "{'keyframes': [1, {'projection': 'nope'}]}            | keyframes[1]",
            "{'keyframes': [1, {'w': [1e39, 0]}]}                  | keyframes[1]",
            "{'keyframes': [1, {'w': [1180591620717411303424, 0]}]} | keyframes[1]",
            "{'keyframes': [1, {'projection': '" + PROJECTION + "', 'target': 1180591620717411303424}]} | keyframes[1]",
            "{'keyframes': [1, {'seed': 2, 'w': [1]}]}             | keyframes[1]",
            "{'seeds': '1,2', 'frames_per_keyframe': 0}            | frames_per_keyframe",
            "{'seeds': '1,2', 'preset': 'turbo'}                   | preset",
            "{'seeds': '1,2', 'colour': 'red'}                     | colour",
    })
    void badSpecsNameTheirField(String spec, String field) {
        List<ValidationError> errors = InterpolateJobSpec.validate(json(spec));
        assertTrue(errors.stream().anyMatch(e -> e.field().equals(field)), errors.toString());
    }
}
