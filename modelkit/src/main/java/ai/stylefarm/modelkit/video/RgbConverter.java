package ai.stylefarm.modelkit.video;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.swscale.SWS_ACCURATE_RND;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BICUBIC;
import static org.bytedeco.ffmpeg.global.swscale.SWS_CS_ITU709;
import static org.bytedeco.ffmpeg.global.swscale.SWS_FULL_CHR_H_INT;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getCoefficients;
import static org.bytedeco.ffmpeg.global.swscale.sws_getContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;
import static org.bytedeco.ffmpeg.global.swscale.sws_setColorspaceDetails;

import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Full-range RGB ↔ limited-range BT.709 yuv420p, the pairing browsers assume for tagged H.264. Encoder and
 * decoder use the same matrix, so a round trip loses only what chroma subsampling and compression lose.
 */
final class RgbConverter implements AutoCloseable {
    private final int width;
    private final int height;
    private final SwsContext sws;
    private final BytePointer rgb;
    private final PointerPointer<BytePointer> rgbPlanes;
    private final IntPointer rgbStride;

    private RgbConverter(int width, int height, boolean toYuv) {
        Ffmpeg.load();
        this.width = width;
        this.height = height;
        int flags = SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT;
        sws = toYuv
                ? sws_getContext(width, height, AV_PIX_FMT_RGB24, width, height, AV_PIX_FMT_YUV420P, flags, null, null,
                (DoublePointer) null)
                : sws_getContext(width, height, AV_PIX_FMT_YUV420P, width, height, AV_PIX_FMT_RGB24, flags, null, null,
                (DoublePointer) null);
        if (sws == null || sws.isNull()) {
            throw new VideoException("no colour conversion for " + width + "x" + height);
        }
        IntPointer bt709 = sws_getCoefficients(SWS_CS_ITU709);
        // srcRange/dstRange: 1 is full range (RGB), 0 is limited (video YUV).
        Ffmpeg.check(sws_setColorspaceDetails(sws, bt709, toYuv ? 1 : 0, bt709, toYuv ? 0 : 1, 0, 1 << 16, 1 << 16),
                "setting the BT.709 matrix");
        rgb = new BytePointer((long) width * height * 3);
        // swscale reads four plane pointers and strides even for packed RGB.
        rgbPlanes = new PointerPointer<>(rgb, null, null, null);
        rgbStride = new IntPointer(width * 3, 0, 0, 0);
    }

    static RgbConverter toYuv(int width, int height) {
        return new RgbConverter(width, height, true);
    }

    static RgbConverter toRgb(int width, int height) {
        return new RgbConverter(width, height, false);
    }

    void rgbToFrame(byte[] pixels, AVFrame yuv) {
        rgb.position(0).put(pixels);
        sws_scale(sws, rgbPlanes, rgbStride, 0, height, yuv.data(), yuv.linesize());
    }

    byte[] frameToRgb(AVFrame yuv) {
        sws_scale(sws, yuv.data(), yuv.linesize(), 0, height, rgbPlanes, rgbStride);
        byte[] pixels = new byte[width * height * 3];
        rgb.position(0).get(pixels);
        return pixels;
    }

    @Override
    public void close() {
        sws_freeContext(sws);
        rgbStride.close();
        rgbPlanes.close();
        rgb.close();
    }
}
