package ai.stylefarm.modelkit.video;

import static org.bytedeco.ffmpeg.global.avformat.av_find_best_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;

import java.nio.file.Path;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.javacpp.PointerPointer;

/** An opened media file and its video stream. */
final class VideoInput implements AutoCloseable {
    private final AVFormatContext format;
    private final AVStream stream;

    private VideoInput(AVFormatContext format, AVStream stream) {
        this.format = format;
        this.stream = stream;
    }

    static VideoInput open(Path file) {
        Ffmpeg.load();
        AVFormatContext format = new AVFormatContext(null);
        Ffmpeg.check(avformat_open_input(format, file.toString(), null, null), "opening " + file.getFileName());
        try {
            Ffmpeg.check(avformat_find_stream_info(format, (PointerPointer<?>) null), "reading " + file.getFileName());
            int index = av_find_best_stream(format, AVMEDIA_TYPE_VIDEO, -1, -1, (PointerPointer<?>) null, 0);
            Ffmpeg.check(index, "finding a video stream in " + file.getFileName());
            return new VideoInput(format, format.streams(index));
        } catch (RuntimeException e) {
            avformat_close_input(format);
            throw e;
        }
    }

    AVFormatContext format() {
        return format;
    }

    AVStream stream() {
        return stream;
    }

    @Override
    public void close() {
        avformat_close_input(format);
    }
}
