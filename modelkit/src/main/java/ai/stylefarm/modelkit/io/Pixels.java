package ai.stylefarm.modelkit.io;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** Raw generator output to 8-bit pixels, as NVIDIA's generate.py converts and saves them. */
public final class Pixels {
    private Pixels() {}

    /**
     * Image {@code index} of img [N, C, H, W] → uint8 [H, W, C] by clamp(x·127.5 + 128, 0, 255) and truncation,
     * in float32 like the torch expression, so values match generate.py's.
     */
    public static byte[] toUint8Hwc(float[] img, int index, int channels, int height, int width) {
        int plane = height * width;
        int base = index * channels * plane;
        byte[] out = new byte[plane * channels];
        for (int c = 0; c < channels; c++) {
            for (int p = 0; p < plane; p++) {
                float v = img[base + c * plane + p] * 127.5f + 128f;
                v = Math.max(0f, Math.min(255f, v));
                out[p * channels + c] = (byte) (int) v;
            }
        }
        return out;
    }

    /** PNG of uint8 [H, W, C] with C = 1 (greyscale) or 3 (RGB). */
    public static byte[] png(byte[] hwc, int height, int width, int channels) {
        BufferedImage image;
        if (channels == 3) {
            image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
            byte[] dst = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
            for (int p = 0; p < height * width; p++) {
                dst[3 * p] = hwc[3 * p + 2];
                dst[3 * p + 1] = hwc[3 * p + 1];
                dst[3 * p + 2] = hwc[3 * p];
            }
        } else if (channels == 1) {
            image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
            byte[] dst = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
            System.arraycopy(hwc, 0, dst, 0, hwc.length);
        } else {
            throw new IllegalArgumentException("PNG needs 1 or 3 channels, got " + channels);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
