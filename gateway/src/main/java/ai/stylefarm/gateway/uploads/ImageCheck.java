package ai.stylefarm.gateway.uploads;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decides whether an uploaded file is an image a projection can take, before anything is stored: PNG or JPEG by
 * its magic bytes (not its name or declared type), at most {@code maxPixels} by its header (read before any pixel
 * is decoded, so a decompression bomb costs nothing), fully decodable, and greyscale or RGB.
 */
public final class ImageCheck {
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final byte[] JPEG = {(byte) 0xff, (byte) 0xd8, (byte) 0xff};

    /** An accepted image. */
    public record Image(String format, String contentType, int width, int height, int channels) {
    }

    /** Why a file was refused, in words for the person who uploaded it. */
    public static final class Rejected extends Exception {
        private final boolean notAnImage;

        Rejected(String message) {
            this(message, false);
        }

        Rejected(String message, boolean notAnImage) {
            super(message);
            this.notAnImage = notAnImage;
        }

        /** Not a PNG or JPEG at all (an unsupported media type), rather than a bad one. */
        public boolean notAnImage() {
            return notAnImage;
        }
    }

    private ImageCheck() {
    }

    public static Image inspect(Path file, long maxPixels) throws Rejected, IOException {
        byte[] head = new byte[8];
        int read;
        try (var in = Files.newInputStream(file)) {
            read = in.readNBytes(head, 0, head.length);
        }
        String format = startsWith(head, read, PNG) ? "png" : startsWith(head, read, JPEG) ? "jpeg" : null;
        if (format == null) {
            throw new Rejected("is not an image: PNG or JPEG files only", true);
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int width;
                int height;
                try {
                    width = reader.getWidth(0);
                    height = reader.getHeight(0);
                } catch (IOException | RuntimeException e) {
                    throw new Rejected("is a corrupt " + format.toUpperCase() + ": its header cannot be read");
                }
                if ((long) width * height > maxPixels) {
                    throw new Rejected("is " + width + "x" + height + " = " + (long) width * height + " pixels, over the"
                            + " limit of " + maxPixels + " (refused before decoding)");
                }
                // The JPEG decoder fills what a truncated file lacks with grey and only warns: a warning is a refusal.
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                BufferedImage image;
                try {
                    image = reader.read(0);
                } catch (IOException | RuntimeException e) {
                    throw new Rejected("is a corrupt " + format.toUpperCase() + ": " + describe(e));
                }
                if (!warnings.isEmpty()) {
                    throw new Rejected("is a corrupt or incomplete " + format.toUpperCase() + ": " + warnings.get(0));
                }
                int channels = image.getColorModel().getNumComponents();
                if (channels != 1 && channels != 3) {
                    throw new Rejected("has " + channels + " channels" + (image.getColorModel().hasAlpha()
                            ? " (with alpha); flatten it to RGB or greyscale" : "; upload RGB or greyscale"));
                }
                return new Image(format, format.equals("png") ? "image/png" : "image/jpeg", width, height, channels);
            } finally {
                reader.dispose();
            }
        }
    }

    private static boolean startsWith(byte[] head, int read, byte[] magic) {
        if (read < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (head[i] != magic[i]) {
                return false;
            }
        }
        return true;
    }

    private static String describe(Exception e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
    }
}
