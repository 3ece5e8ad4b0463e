package ai.stylefarm.modelkit.projection;

import ai.stylefarm.modelkit.io.PillowResize;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;

/**
 * A projection target as projector.py prepares it: the image in RGB (or luma for greyscale models), the largest
 * centred square cropped out, resized to the model's resolution with Lanczos, then put on the generator's raw
 * [-1, 1] scale.
 *
 * @param hwc        [res, res, channels] uint8, what the target looks like to the model
 * @param channels   1 or 3
 * @param resolution the model's resolution
 */
public record TargetImage(byte[] hwc, int channels, int resolution) {

    /** Decoded pixels before any crop or resize: hwc is [height, width, channels] uint8. */
    public record Decoded(byte[] hwc, int width, int height, int channels) {}

    /** Decodes a PNG or JPEG and prepares it. Fails with a readable message when the bytes are not an image. */
    public static TargetImage decode(byte[] encoded, int channels, int resolution) {
        Decoded d = read(encoded, channels);
        return prepare(d.hwc(), d.width(), d.height(), channels, resolution);
    }

    /** Decodes a PNG or JPEG into RGB (channels 3) or luma (channels 1) pixels, as Pillow's convert gives them. */
    public static Decoded read(byte[] encoded, int channels) {
        BufferedImage img;
        try {
            img = ImageIO.read(new ByteArrayInputStream(encoded));
        } catch (IOException e) {
            throw new IllegalArgumentException("target image cannot be decoded: " + e.getMessage(), e);
        }
        if (img == null) {
            throw new IllegalArgumentException("target is not a PNG or JPEG image");
        }
        return new Decoded(pixels(img, channels), img.getWidth(), img.getHeight(), channels);
    }

    /** hwc: [h, w, channels] uint8. */
    public static TargetImage prepare(byte[] hwc, int w, int h, int channels, int resolution) {
        int s = Math.min(w, h);
        int left = (w - s) / 2;
        int top = (h - s) / 2;
        byte[] square = new byte[s * s * channels];
        for (int y = 0; y < s; y++) {
            System.arraycopy(hwc, ((top + y) * w + left) * channels, square, y * s * channels, s * channels);
        }
        return new TargetImage(PillowResize.resize(square, s, s, channels, resolution, resolution), channels,
                resolution);
    }

    /** [1, C, H, W] float: uint8 / 127.5 − 1. */
    public float[] raw() {
        int plane = resolution * resolution;
        float[] out = new float[channels * plane];
        for (int p = 0; p < plane; p++) {
            for (int c = 0; c < channels; c++) {
                out[c * plane + p] = (hwc[p * channels + c] & 0xff) / 127.5f - 1f;
            }
        }
        return out;
    }

    /** Pillow's convert('L'): ITU-R 601 weights (299, 587, 114) in 16-bit fixed point, rounded. */
    public static int luma(int r, int g, int b) {
        return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
    }

    /** [pixels, from] → [pixels, to] for 1 ↔ 3 channels: grey replicated, or RGB to luma. */
    public static byte[] convertChannels(byte[] hwc, int from, int to) {
        if (from == to) {
            return hwc;
        }
        int pixels = hwc.length / from;
        byte[] out = new byte[pixels * to];
        for (int p = 0; p < pixels; p++) {
            if (from == 1) {
                out[3 * p] = out[3 * p + 1] = out[3 * p + 2] = hwc[p];
            } else {
                out[p] = (byte) luma(hwc[3 * p] & 0xff, hwc[3 * p + 1] & 0xff, hwc[3 * p + 2] & 0xff);
            }
        }
        return out;
    }

    /**
     * The decoded pixels as [h, w, channels]: RGB as Pillow's convert('RGB') gives it (alpha dropped, palette
     * expanded, grey replicated), or luma by Pillow's convert('L') weights (299, 587, 114 in 16-bit fixed point).
     */
    private static byte[] pixels(BufferedImage img, int channels) {
        int w = img.getWidth();
        int h = img.getHeight();
        Raster raster = img.getRaster();
        boolean grey = raster.getNumBands() <= 2 && img.getColorModel().getNumColorComponents() == 1;
        byte[] out = new byte[w * h * channels];
        int[] sample = new int[raster.getNumBands()];
        int shift = img.getColorModel().getComponentSize(0) - 8;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r;
                int g;
                int b;
                if (grey) {
                    // Raw samples: getRGB would pass grey through a linear-to-sRGB conversion.
                    raster.getPixel(x, y, sample);
                    r = g = b = sample[0] >> Math.max(shift, 0);
                } else {
                    int argb = img.getRGB(x, y);
                    r = (argb >> 16) & 0xff;
                    g = (argb >> 8) & 0xff;
                    b = argb & 0xff;
                }
                int o = (y * w + x) * channels;
                if (channels == 3) {
                    out[o] = (byte) r;
                    out[o + 1] = (byte) g;
                    out[o + 2] = (byte) b;
                } else {
                    out[o] = (byte) luma(r, g, b);
                }
            }
        }
        return out;
    }
}
