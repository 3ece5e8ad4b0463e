package ai.stylefarm.modelkit.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoRoundTripTest {
    private static final int W = 64;
    private static final int H = 48;

    @TempDir
    Path dir;

    /** A smooth, moving test card: what generated frames look like to an encoder. */
    static byte[] card(int t) {
        byte[] rgb = new byte[W * H * 3];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int i = (y * W + x) * 3;
                rgb[i] = (byte) (128 + 100 * Math.sin((x + t) / 9.0));
                rgb[i + 1] = (byte) (128 + 100 * Math.cos((y - t) / 7.0));
                rgb[i + 2] = (byte) (128 + 90 * Math.sin((x + y + 2 * t) / 11.0));
            }
        }
        return rgb;
    }

    static double psnr(byte[] a, byte[] b) {
        double se = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (a[i] & 0xff) - (b[i] & 0xff);
            se += d * d;
        }
        double mse = se / a.length;
        return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse);
    }

    private Path segment(String name, int from, int count, H264Settings settings) {
        Path file = dir.resolve(name);
        try (H264Encoder encoder = new H264Encoder(file, W, H, settings)) {
            for (int t = from; t < from + count; t++) {
                encoder.write(card(t));
            }
            encoder.finish();
        }
        return file;
    }

    @Test
    void segmentsJoinWithoutReencodingIntoTheExactFrameCountRateAndDuration() throws Exception {
        H264Settings settings = H264Settings.defaults(30);
        List<Path> segments = List.of(segment("a.mp4", 0, 45, settings), segment("b.mp4", 45, 30, settings),
                segment("c.mp4", 75, 7, settings));
        Path video = dir.resolve("video.mp4");
        assertEquals(82, Mp4Concat.concat(segments, video));

        try (VideoReader reader = new VideoReader(video)) {
            VideoReader.Info info = reader.info();
            assertEquals("h264", info.codec());
            assertEquals("yuv420p", info.pixelFormat());
            assertEquals(30.0, info.fps(), 1e-9);
            assertEquals(82 / 30.0, info.durationSeconds(), 1e-3);
            assertEquals(82, info.declaredFrames());
            List<byte[]> frames = new ArrayList<>();
            reader.next().ifPresent(frames::add);
            for (var f = reader.next(); f.isPresent(); f = reader.next()) {
                frames.add(f.get());
            }
            assertEquals(82, frames.size());
            for (int t = 0; t < frames.size(); t++) {
                double p = psnr(card(t), frames.get(t));
                assertTrue(p >= 35, "frame " + t + " decodes at " + p + " dB");
            }
        }
    }

    @Test
    void theIndexComesBeforeTheMediaSoBrowsersPlayAtOnce() throws Exception {
        Path video = dir.resolve("video.mp4");
        H264Settings settings = H264Settings.defaults(60);
        Mp4Concat.concat(List.of(segment("a.mp4", 0, 10, settings), segment("b.mp4", 10, 10, settings)), video);
        byte[] bytes = Files.readAllBytes(video);
        String head = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(head.indexOf("moov") >= 0 && head.indexOf("moov") < head.indexOf("mdat"), "moov before mdat");
    }

    @Test
    void aSegmentEncodedWithOtherSettingsIsRefused() {
        Path a = segment("a.mp4", 0, 5, H264Settings.defaults(30));
        Path b = segment("b.mp4", 5, 5, new H264Settings(30, 16, "ultrafast", 60));
        VideoException e = assertThrows(VideoException.class, () -> Mp4Concat.concat(List.of(a, b), dir.resolve("v.mp4")));
        assertTrue(e.getMessage().contains("segment 1"), e.getMessage());
    }

    @Test
    void oddSizesAndWrongFrameLengthsAreRefusedWithTheReason() {
        assertThrows(IllegalArgumentException.class, () -> new H264Encoder(dir.resolve("x.mp4"), 63, 48,
                H264Settings.defaults(30)));
        try (H264Encoder encoder = new H264Encoder(dir.resolve("y.mp4"), W, H, H264Settings.defaults(30))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> encoder.write(new byte[10]));
            assertTrue(e.getMessage().contains("9216"), e.getMessage());
        }
    }
}
