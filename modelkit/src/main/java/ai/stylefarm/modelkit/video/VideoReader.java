package ai.stylefarm.modelkit.video;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_get_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_to_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_TIME_BASE;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_get_pix_fmt_name;

import java.nio.file.Path;
import java.util.Optional;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * Decodes a video's frames to RGB, in order, and reports what ffprobe would: codec, pixel format, frame rate,
 * the container's duration and the number of frames actually decoded.
 */
public final class VideoReader implements AutoCloseable {
    /**
     * @param durationSeconds the container's duration, as ffprobe's {@code format.duration}
     * @param fpsNum and {@code fpsDen}: the stream's average frame rate
     */
    public record Info(String codec, String pixelFormat, int width, int height, int fpsNum, int fpsDen,
                       double durationSeconds, long declaredFrames) {
        public double fps() {
            return (double) fpsNum / fpsDen;
        }
    }

    private final VideoInput input;
    private final AVCodecContext decoder;
    private final AVPacket packet;
    private final AVFrame frame;
    private final RgbConverter converter;
    private final Info info;
    private boolean drained;
    private boolean flushed;

    public VideoReader(Path file) {
        input = VideoInput.open(file);
        AVCodec codec = avcodec_find_decoder(input.stream().codecpar().codec_id());
        if (codec == null || codec.isNull()) {
            input.close();
            throw new VideoException("no decoder for the video in " + file.getFileName());
        }
        decoder = avcodec_alloc_context3(codec);
        Ffmpeg.check(avcodec_parameters_to_context(decoder, input.stream().codecpar()), "configuring the decoder");
        Ffmpeg.check(avcodec_open2(decoder, codec, (AVDictionary) null), "opening the decoder");
        packet = av_packet_alloc();
        frame = av_frame_alloc();
        AVRational rate = input.stream().avg_frame_rate();
        info = new Info(avcodec_get_name(decoder.codec_id()).getString(),
                Optional.ofNullable(av_get_pix_fmt_name(decoder.pix_fmt())).map(p -> p.getString()).orElse("unknown"),
                decoder.width(), decoder.height(), rate.num(), rate.den(),
                input.format().duration() / (double) AV_TIME_BASE, input.stream().nb_frames());
        converter = RgbConverter.toRgb(decoder.width(), decoder.height());
    }

    public Info info() {
        return info;
    }

    /** The next frame as [H, W, 3] uint8, or empty at the end. */
    public Optional<byte[]> next() {
        while (true) {
            int r = avcodec_receive_frame(decoder, frame);
            if (r >= 0) {
                return Optional.of(converter.frameToRgb(frame));
            }
            if (r == AVERROR_EOF) {
                return Optional.empty();
            }
            if (r != avutil.AVERROR_EAGAIN()) {
                Ffmpeg.check(r, "decoding");
            }
            feed();
        }
    }

    /** Every remaining frame, counted (what {@code ffprobe -count_frames} reports). */
    public long countFrames() {
        long n = 0;
        while (next().isPresent()) {
            n++;
        }
        return n;
    }

    private void feed() {
        while (!drained) {
            if (av_read_frame(input.format(), packet) < 0) {
                drained = true;
                break;
            }
            try {
                if (packet.stream_index() == input.stream().index()) {
                    Ffmpeg.check(avcodec_send_packet(decoder, packet), "decoding a packet");
                    return;
                }
            } finally {
                av_packet_unref(packet);
            }
        }
        if (!flushed) {
            flushed = true;
            Ffmpeg.check(avcodec_send_packet(decoder, null), "flushing the decoder");
        }
    }

    @Override
    public void close() {
        converter.close();
        av_frame_free(frame);
        av_packet_free(packet);
        avcodec_free_context(decoder);
        input.close();
    }
}
