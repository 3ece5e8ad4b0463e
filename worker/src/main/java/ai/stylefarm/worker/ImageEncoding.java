package ai.stylefarm.worker;

import ai.stylefarm.modelkit.io.Pixels;
import ai.stylefarm.schemas.ImageFormat;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Encodes uint8 HWC pixels as PNG (lossless, as generate.py writes them) or baseline JPEG at a quality. */
final class ImageEncoding {
    private ImageEncoding() {
    }

    static byte[] encode(byte[] hwc, int size, int channels, ImageFormat format, Integer quality) {
        return format == ImageFormat.PNG ? Pixels.png(hwc, size, size, channels) : jpeg(hwc, size, channels,
                quality == null ? 90 : quality);
    }

    static String contentType(ImageFormat format) {
        return format == ImageFormat.PNG ? "image/png" : "image/jpeg";
    }

    private static byte[] jpeg(byte[] hwc, int size, int channels, int quality) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("JPEG holds 1 or 3 channels, not " + channels + "; use format png");
        }
        BufferedImage image = new BufferedImage(size, size,
                channels == 3 ? BufferedImage.TYPE_3BYTE_BGR : BufferedImage.TYPE_BYTE_GRAY);
        byte[] target = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        if (channels == 1) {
            System.arraycopy(hwc, 0, target, 0, hwc.length);
        } else {
            for (int i = 0; i < hwc.length; i += 3) { // RGB to the raster's BGR
                target[i] = hwc[i + 2];
                target[i + 1] = hwc[i + 1];
                target[i + 2] = hwc[i];
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality / 100f);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
