package ai.stylefarm.modelkit.video;

import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.Loader;

/** Loads FFmpeg's libraries once and turns its negative return codes into exceptions with FFmpeg's own words. */
final class Ffmpeg {
    static {
        Loader.load(org.bytedeco.ffmpeg.global.avutil.class);
        Loader.load(org.bytedeco.ffmpeg.global.avcodec.class);
        Loader.load(org.bytedeco.ffmpeg.global.avformat.class);
        Loader.load(org.bytedeco.ffmpeg.global.swscale.class);
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    }

    private Ffmpeg() {
    }

    /** Call before any FFmpeg function; cheap after the first time. */
    static void load() {
        // The static initialiser does the work.
    }

    /** @return {@code code} when it is not an error */
    static int check(int code, String what) {
        if (code < 0) {
            throw new VideoException(what + " failed: " + describe(code));
        }
        return code;
    }

    static String describe(int code) {
        byte[] text = new byte[256];
        avutil.av_strerror(code, text, text.length);
        int end = 0;
        while (end < text.length && text[end] != 0) {
            end++;
        }
        return new String(text, 0, end, java.nio.charset.StandardCharsets.UTF_8) + " (" + code + ")";
    }
}
