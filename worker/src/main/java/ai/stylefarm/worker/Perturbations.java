package ai.stylefarm.worker;

import ai.stylefarm.modelkit.io.PillowResize;
import ai.stylefarm.modelkit.projection.TargetImage;
import ai.stylefarm.schemas.ImageFormat;
import ai.stylefarm.schemas.Perturbation;
import java.util.Locale;

/**
 * A calibration positive as it would reach a user: its render resized with Pillow's filters and saved as JPEG, in
 * the order its {@link Perturbation} lists, then decoded as any uploaded target is.
 */
final class Perturbations {
    private Perturbations() {
    }

    /** hwc: [size, size, channels] uint8; returns the perturbed pixels and their size. */
    static TargetImage.Decoded apply(byte[] hwc, int size, int channels, Perturbation perturbation) {
        TargetImage.Decoded image = new TargetImage.Decoded(hwc, size, size, channels);
        for (Perturbation.Step step : perturbation.parsed()) {
            if (step instanceof Perturbation.Jpeg jpeg) {
                byte[] encoded = ImageEncoding.encode(image.hwc(), image.width(), channels, ImageFormat.JPEG,
                        jpeg.quality());
                image = TargetImage.read(encoded, channels);
            } else {
                Perturbation.Resize resize = (Perturbation.Resize) step;
                int side = Math.max(1, (int) Math.round(image.width() * resize.factor()));
                PillowResize.Filter filter = PillowResize.Filter.valueOf(resize.filter().toUpperCase(Locale.ROOT));
                image = new TargetImage.Decoded(PillowResize.resize(image.hwc(), image.width(), image.height(),
                        channels, side, side, filter), side, side, channels);
            }
        }
        return image;
    }
}
