package ai.stylefarm.modelkit.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.stylefarm.modelkit.projection.TargetImage;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

class PillowResizeTest {

    @Test
    void everyFilterGivesPillowsPixelsWhenShrinkingAndEnlarging() throws IOException {
        Map<String, Npy.Array> expected = readNpz("photos/pillow-resize-expected.npz");
        byte[] png;
        try (InputStream in = resource("photos/lanczos-source-97x71.png")) {
            png = in.readAllBytes();
        }
        // A 97x71 source decoded at its own size: crop and resize leave it as it is.
        byte[] source = TargetImage.read(png, 3).hwc();
        for (PillowResize.Filter filter : PillowResize.Filter.values()) {
            for (int[] size : new int[][] {{40, 29}, {150, 110}}) {
                String key = filter.name().toLowerCase(Locale.ROOT) + "_" + size[0] + "x" + size[1];
                Npy.Array want = expected.get(key);
                assertEquals(size[1], want.shape()[0], key);
                assertArrayEquals(want.data(), PillowResize.resize(source, 97, 71, 3, size[0], size[1], filter), key);
            }
        }
    }

    private static Map<String, Npy.Array> readNpz(String name) throws IOException {
        Map<String, Npy.Array> out = new HashMap<>();
        try (ZipInputStream zip = new ZipInputStream(resource(name))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                out.put(e.getName().replaceFirst("\\.npy$", ""), Npy.read(zip));
            }
        }
        return out;
    }

    private static InputStream resource(String name) {
        return PillowResizeTest.class.getClassLoader().getResourceAsStream(name);
    }
}
