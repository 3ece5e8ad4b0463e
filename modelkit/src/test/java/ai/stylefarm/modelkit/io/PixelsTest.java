package ai.stylefarm.modelkit.io;

import static ai.stylefarm.modelkit.testing.Fixtures.ADA_A;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.stylefarm.modelkit.testing.Fixtures;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PixelsTest {

    @Test
    void uint8ConversionOfTheOfficialFloatImagesIsIdenticalToGeneratePy() {
        for (String tag : new String[] {"psi1_const", "psi1_none", "psi0.5_const", "psi0.5_none"}) {
            float[] img = Fixtures.tensor(ADA_A + "img_" + tag + ".npy").data(); // [8, 3, 32, 32]
            byte[] expected = Fixtures.array(ADA_A + "img_" + tag + "_uint8.npy").data(); // [8, 32, 32, 3]
            for (int n = 0; n < 8; n++) {
                byte[] actual = Pixels.toUint8Hwc(img, n, 3, 32, 32);
                assertArrayEquals(Arrays.copyOfRange(expected, n * 3072, (n + 1) * 3072), actual, tag + " seed " + n);
            }
        }
    }

    @Test
    void pngRoundTripsRgbPixels() throws Exception {
        byte[] hwc = Fixtures.array(ADA_A + "projection_target_seed3.npy").data();
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(Pixels.png(hwc, 32, 32, 3)));
        assertEquals(32, decoded.getWidth());
        int rgb = decoded.getRGB(5, 7);
        int p = (7 * 32 + 5) * 3;
        assertEquals(hwc[p] & 0xff, (rgb >> 16) & 0xff);
        assertEquals(hwc[p + 1] & 0xff, (rgb >> 8) & 0xff);
        assertEquals(hwc[p + 2] & 0xff, rgb & 0xff);
    }
}
