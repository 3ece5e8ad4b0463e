package ai.stylefarm.modelkit.video;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_GLOBAL_HEADER;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_rescale_ts;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_from_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avformat.AVFMT_GLOBALHEADER;
import static org.bytedeco.ffmpeg.global.avformat.AVIO_FLAG_WRITE;
import static org.bytedeco.ffmpeg.global.avformat.av_interleaved_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_trailer;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_output_context2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_write_header;
import static org.bytedeco.ffmpeg.global.avformat.avio_closep;
import static org.bytedeco.ffmpeg.global.avformat.avio_open;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_PRI_BT709;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_RANGE_MPEG;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_SPC_BT709;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_TRC_BT709;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;

import java.nio.file.Path;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * Encodes RGB frames into an H.264 (yuv420p, BT.709) MP4 file with x264. The file starts with a keyframe, so
 * segments encoded with the same {@link H264Settings} can be joined by {@link Mp4Concat} without re-encoding.
 * Not thread-safe; one encoder per segment.
 */
public final class H264Encoder implements AutoCloseable {
    private final int width;
    private final int height;
    private final AVFormatContext format;
    private final AVCodecContext codec;
    private final AVStream stream;
    private final AVFrame frame;
    private final AVPacket packet;
    private final RgbConverter converter;
    private final AVIOContext io;
    private long frames;
    private boolean finished;

    /** @param width and {@code height}: even, as yuv420p needs */
    public H264Encoder(Path file, int width, int height, H264Settings settings) {
        Ffmpeg.load();
        if (width < 2 || height < 2 || width % 2 != 0 || height % 2 != 0) {
            throw new IllegalArgumentException("H.264 yuv420p needs an even width and height, was " + width + "x" + height);
        }
        this.width = width;
        this.height = height;
        this.format = new AVFormatContext(null);
        Ffmpeg.check(avformat_alloc_output_context2(format, null, "mp4", file.toString()), "allocating the MP4 muxer");
        AVCodec x264 = avcodec_find_encoder_by_name("libx264");
        if (x264 == null || x264.isNull()) {
            throw new VideoException("this FFmpeg build has no libx264 encoder");
        }
        stream = avformat_new_stream(format, null);
        codec = avcodec_alloc_context3(x264);
        codec.width(width);
        codec.height(height);
        codec.pix_fmt(AV_PIX_FMT_YUV420P);
        codec.time_base(av_make_q(1, settings.fps()));
        codec.framerate(av_make_q(settings.fps(), 1));
        codec.gop_size(settings.keyframeInterval());
        codec.color_range(AVCOL_RANGE_MPEG);
        codec.colorspace(AVCOL_SPC_BT709);
        codec.color_primaries(AVCOL_PRI_BT709);
        codec.color_trc(AVCOL_TRC_BT709);
        if ((format.oformat().flags() & AVFMT_GLOBALHEADER) != 0) {
            codec.flags(codec.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
        }
        AVDictionary options = new AVDictionary(null);
        av_dict_set(options, "crf", Integer.toString(settings.crf()), 0);
        av_dict_set(options, "preset", settings.preset(), 0);
        try {
            Ffmpeg.check(avcodec_open2(codec, x264, options), "opening libx264");
        } finally {
            av_dict_free(options);
        }
        Ffmpeg.check(avcodec_parameters_from_context(stream.codecpar(), codec), "copying the codec parameters");
        stream.time_base(codec.time_base());
        stream.avg_frame_rate(av_make_q(settings.fps(), 1));
        io = new AVIOContext(null);
        Ffmpeg.check(avio_open(io, file.toString(), AVIO_FLAG_WRITE), "opening " + file);
        format.pb(io);
        AVDictionary mux = new AVDictionary(null);
        // The index goes in front, so a browser starts playing before the whole file has arrived.
        av_dict_set(mux, "movflags", "+faststart", 0);
        try {
            Ffmpeg.check(avformat_write_header(format, mux), "writing the MP4 header");
        } finally {
            av_dict_free(mux);
        }
        frame = av_frame_alloc();
        frame.format(AV_PIX_FMT_YUV420P);
        frame.width(width);
        frame.height(height);
        Ffmpeg.check(av_frame_get_buffer(frame, 0), "allocating a frame");
        packet = av_packet_alloc();
        converter = RgbConverter.toYuv(width, height);
    }

    /** Appends one frame: {@code rgb} is [H, W, 3] uint8, row-major. */
    public void write(byte[] rgb) {
        if (rgb.length != width * height * 3) {
            throw new IllegalArgumentException("a frame is " + width + "x" + height + "x3 = " + width * height * 3
                    + " bytes, got " + rgb.length);
        }
        Ffmpeg.check(av_frame_make_writable(frame), "making the frame writable");
        converter.rgbToFrame(rgb, frame);
        frame.pts(frames);
        frame.duration(1);
        Ffmpeg.check(avcodec_send_frame(codec, frame), "encoding frame " + frames);
        frames++;
        drain();
    }

    public long frames() {
        return frames;
    }

    /** Flushes the encoder and completes the file (with the index moved to the front). */
    public void finish() {
        if (finished) {
            return;
        }
        finished = true;
        Ffmpeg.check(avcodec_send_frame(codec, null), "flushing the encoder");
        drain();
        Ffmpeg.check(av_write_trailer(format), "writing the MP4 index");
    }

    private void drain() {
        while (true) {
            int r = avcodec_receive_packet(codec, packet);
            if (r == avutil.AVERROR_EAGAIN() || r == AVERROR_EOF) {
                return;
            }
            Ffmpeg.check(r, "receiving an encoded packet");
            av_packet_rescale_ts(packet, codec.time_base(), stream.time_base());
            packet.stream_index(stream.index());
            Ffmpeg.check(av_interleaved_write_frame(format, packet), "writing a packet");
        }
    }

    /** Releases FFmpeg's memory; a file not {@link #finish() finished} is left incomplete. */
    @Override
    public void close() {
        converter.close();
        av_packet_free(packet);
        av_frame_free(frame);
        avcodec_free_context(codec);
        if (!io.isNull()) {
            avio_closep(io);
        }
        avformat_free_context(format);
    }
}
