package ai.stylefarm.schemas.documents;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stylefarm.schemas.JobKind;
import ai.stylefarm.schemas.NoiseMode;
import ai.stylefarm.schemas.ProjectionSpace;
import ai.stylefarm.schemas.documents.ProjectionReportDocument.Calibration;
import ai.stylefarm.schemas.documents.ProjectionReportDocument.Distances;
import ai.stylefarm.schemas.documents.ProjectionReportDocument.RocPoint;
import ai.stylefarm.schemas.documents.ProjectionReportDocument.Summary;
import ai.stylefarm.schemas.documents.ProjectionReportDocument.VariantAuc;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DocumentsTest {

    @Test
    void aSampleAndItsManifestLineShareOneDescription() {
        ImageLine sample = ImageLine.sample(42, 0.7, null, 3, NoiseMode.CONST, new float[] {0.5f, -1.25f},
                new float[] {2f, 0.1f});

        assertEquals("{\"seed\":42,\"truncation_psi\":0.7,\"class_idx\":3,\"noise_mode\":\"const\","
                + "\"z\":[0.5,-1.25],\"w\":[2.0,0.1]}", Documents.line(sample));
        String line = Documents.line(sample.storedAt("shard-000001.tar", "000000000042.png", "ab".repeat(32), 917));
        assertTrue(line.startsWith("{\"seed\":42,\"key\":\"shard-000001.tar\",\"member\":\"000000000042.png\","
                + "\"sha256\":\"" + "ab".repeat(32) + "\",\"bytes\":917,\"truncation_psi\":0.7"), line);

        ImageLine read = (ImageLine) Documents.manifestLine(JobKind.GENERATE, line);
        assertEquals("000000000042.png", read.member());
        assertEquals(917L, read.bytes());
        assertArrayEquals(new float[] {2f, 0.1f}, read.w());
    }

    @Test
    void aStoredImageNamesItsKeyChecksumAndSizeTogether() {
        assertThrows(IllegalArgumentException.class, () -> new ImageLine(1, "a.png", null, null, 3L, 1, null, null,
                NoiseMode.CONST, null, null));
    }

    @Test
    void aDocumentWithAFieldItsRecordDoesNotKnowIsRefusedByName() {
        var e = assertThrows(Documents.InvalidDocumentException.class, () -> Documents.read(
                "{\"frame\":1,\"key\":\"f.png\",\"sha256\":\"x\",\"bytes\":1,\"colour\":\"red\"}", FrameLine.class));

        assertTrue(e.getMessage().startsWith("not a valid FrameLine"), e.getMessage());
        assertTrue(e.getMessage().contains("colour"), e.getMessage());
    }

    @Test
    void anInterpolationManifestHoldsSegmentsAndFrames() {
        String segment = Documents.line(new SegmentLine(2, 120, 60, "jobs/j/segments/000002.mp4", "cd".repeat(32),
                4096L));
        String frame = Documents.line(new FrameLine(121, "jobs/j/frames/000121.png", "ef".repeat(32), 77L));

        assertEquals(120, assertInstanceOf(SegmentLine.class, Documents.manifestLine(JobKind.INTERPOLATE, segment))
                .firstFrame());
        assertEquals(121, assertInstanceOf(FrameLine.class, Documents.manifestLine(JobKind.INTERPOLATE, frame))
                .frame());
    }

    @Test
    void uncalibratedMetricsSaySoWithNullsAndNameNoFile() {
        TargetMetrics metrics = metrics(0, "positive", 0.002, null);

        String json = Documents.line(metrics);

        assertTrue(json.contains("\"verdict\":{\"distance\":0.002,\"generated_by_model\":null,\"threshold\":null,"
                + "\"status\":\"uncalibrated\"}"), json);
        assertFalse(json.contains("\"files\""), json);
        assertFalse(json.contains("\"key\""), json);
        assertNull(Documents.manifestLine(JobKind.PROJECT, json).key());
    }

    @Test
    void aCalibratedVerdictComparesTheDistanceWithTheThreshold() {
        assertEquals(Boolean.TRUE, TargetMetrics.Verdict.of(0.01, 0.01).generatedByModel());
        assertEquals(Boolean.FALSE, TargetMetrics.Verdict.of(0.02, 0.01).generatedByModel());
    }

    @Test
    void aReportReadsBackAsItWasWritten() {
        TargetMetrics target = metrics(1, "negative", 0.05, 0.01).withFiles(Map.of("metrics.json",
                "jobs/j/projections/000001/metrics.json"));
        Calibration calibration = new Calibration(0.98, 0.01, 0.05, 0.04, 0.9,
                new Distances(Summary.of(new double[] {0.003, 0.001}), Summary.of(new double[] {0.2, 0.05, 0.1})),
                List.of(new VariantAuc("random · jpeg80", 2, 1.0, 1.0, Summary.of(new double[] {0.003, 0.001}))),
                List.of(new RocPoint(0.01, 0.04, 0.9)));
        ProjectionReportDocument report = new ProjectionReportDocument("j", "calibrate", "fashion", calibration, null,
                null, null, List.of(target));

        byte[] json = Documents.pretty(report);
        ProjectionReportDocument read = Documents.read(json, ProjectionReportDocument.class);

        assertEquals(target, read.targets().get(0));
        assertEquals(0.002, read.calibration().distances().positives().median(), 1e-12);
        assertEquals(0.1, read.calibration().distances().negatives().median(), 1e-12);
        assertArrayEquals(new double[] {0.05, 0.1, 0.2}, read.calibration().distances().negatives().values());
        assertNull(read.calibration().withoutRoc().roc());
        assertEquals("random · jpeg80", read.calibration().variants().get(0).variant());
        assertFalse(new String(json, StandardCharsets.UTF_8).contains("\"verdicts\""));
    }

    private static TargetMetrics metrics(int index, String label, double distance, Double threshold) {
        return new TargetMetrics("seed " + index, index, null, (long) index, "other", null, label, "fashion", distance,
                10 * Math.log10(4 / distance), distance, distance, 0.0, 300, ProjectionSpace.W_PLUS, true, 303, 1.5, 5.0,
                TargetMetrics.Verdict.of(distance, threshold), null);
    }
}
