package ai.stylefarm.modelkit.video;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_rescale_ts;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_copy;
import static org.bytedeco.ffmpeg.global.avformat.AVIO_FLAG_WRITE;
import static org.bytedeco.ffmpeg.global.avformat.av_interleaved_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_trailer;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_output_context2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_write_header;
import static org.bytedeco.ffmpeg.global.avformat.avio_closep;
import static org.bytedeco.ffmpeg.global.avformat.avio_open;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;

/**
 * Joins H.264 MP4 segments into one MP4 by copying their packets (no re-encoding), shifting each segment's
 * timestamps to start where the previous one ended, and moving the index to the front (faststart). Segments
 * must come from {@link H264Encoder}s with the same size and {@link H264Settings}; anything else is refused.
 */
public final class Mp4Concat {
    private Mp4Concat() {
    }

    /** @return the number of frames (video packets) written */
    public static long concat(List<Path> segments, Path out) {
        if (segments.isEmpty()) {
            throw new IllegalArgumentException("no segments to join");
        }
        Ffmpeg.load();
        AVFormatContext output = new AVFormatContext(null);
        Ffmpeg.check(avformat_alloc_output_context2(output, null, "mp4", out.toString()), "allocating the MP4 muxer");
        AVIOContext io = new AVIOContext(null);
        AVPacket packet = av_packet_alloc();
        AVStream stream = null;
        byte[] firstHeaders = null;
        long offset = 0;
        long frames = 0;
        try {
            for (int i = 0; i < segments.size(); i++) {
                try (VideoInput input = VideoInput.open(segments.get(i))) {
                    AVCodecParameters params = input.stream().codecpar();
                    if (stream == null) {
                        stream = avformat_new_stream(output, null);
                        Ffmpeg.check(avcodec_parameters_copy(stream.codecpar(), params), "copying codec parameters");
                        stream.codecpar().codec_tag(0);
                        stream.time_base(input.stream().time_base());
                        stream.avg_frame_rate(input.stream().avg_frame_rate());
                        firstHeaders = headers(params);
                        Ffmpeg.check(avio_open(io, out.toString(), AVIO_FLAG_WRITE), "opening " + out);
                        output.pb(io);
                        AVDictionary mux = new AVDictionary(null);
                        av_dict_set(mux, "movflags", "+faststart", 0);
                        try {
                            Ffmpeg.check(avformat_write_header(output, mux), "writing the MP4 header");
                        } finally {
                            av_dict_free(mux);
                        }
                    } else if (!Arrays.equals(firstHeaders, headers(params))
                            || params.width() != stream.codecpar().width() || params.height() != stream.codecpar().height()) {
                        throw new VideoException("segment " + i + " (" + segments.get(i).getFileName() + ") was encoded"
                                + " with other settings than segment 0; it cannot be joined without re-encoding");
                    }
                    long end = offset;
                    while (av_read_frame(input.format(), packet) >= 0) {
                        try {
                            if (packet.stream_index() != input.stream().index()) {
                                continue;
                            }
                            av_packet_rescale_ts(packet, input.stream().time_base(), stream.time_base());
                            packet.pts(packet.pts() + offset);
                            packet.dts(packet.dts() + offset);
                            end = Math.max(end, packet.pts() + packet.duration());
                            packet.stream_index(stream.index());
                            packet.pos(-1);
                            Ffmpeg.check(av_interleaved_write_frame(output, packet), "writing a packet of segment " + i);
                            frames++;
                        } finally {
                            av_packet_unref(packet);
                        }
                    }
                    offset = end;
                }
            }
            Ffmpeg.check(av_write_trailer(output), "writing the MP4 index");
            return frames;
        } finally {
            av_packet_free(packet);
            if (!io.isNull()) {
                avio_closep(io);
            }
            avformat_free_context(output);
        }
    }

    /** The stream's SPS/PPS: equal for segments encoded alike. */
    private static byte[] headers(AVCodecParameters params) {
        byte[] extradata = new byte[params.extradata_size()];
        if (extradata.length > 0) {
            params.extradata().get(extradata);
        }
        return extradata;
    }
}
