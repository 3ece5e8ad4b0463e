package ai.stylefarm.modelkit.video;

import java.util.Set;

/**
 * How segments are encoded. Every segment of a video must use the same settings, or they cannot be joined
 * without re-encoding.
 *
 * @param fps frames per second, 1 to 240
 * @param crf x264's constant rate factor: 0 is lossless, 18 is visually lossless, 23 is x264's default
 * @param preset x264's speed/size trade-off, {@code ultrafast} to {@code veryslow}
 * @param keyframeInterval at most this many frames between keyframes (so players can seek); every segment also
 *                         starts with one
 */
public record H264Settings(int fps, int crf, String preset, int keyframeInterval) {
    private static final Set<String> PRESETS = Set.of("ultrafast", "superfast", "veryfast", "faster", "fast", "medium",
            "slow", "slower", "veryslow");

    public H264Settings {
        if (fps < 1 || fps > 240) {
            throw new IllegalArgumentException("fps must be 1 to 240, was " + fps);
        }
        if (crf < 0 || crf > 51) {
            throw new IllegalArgumentException("crf must be 0 to 51, was " + crf);
        }
        if (!PRESETS.contains(preset)) {
            throw new IllegalArgumentException("preset must be one of " + PRESETS + ", was " + preset);
        }
        if (keyframeInterval < 1) {
            throw new IllegalArgumentException("keyframe interval must be at least 1, was " + keyframeInterval);
        }
    }

    /** A keyframe every two seconds: seeking stays quick and a 120-frame segment at 60 fps needs no extra one. */
    public static H264Settings of(int fps, int crf, String preset) {
        return new H264Settings(fps, crf, preset, Math.max(1, 2 * fps));
    }

    /** High quality for generated imagery, as interpolation jobs default to. */
    public static H264Settings defaults(int fps) {
        return of(fps, 12, "medium");
    }
}
