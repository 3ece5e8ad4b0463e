package ai.stylefarm.modelkit.testing;

import ai.stylefarm.modelkit.io.Npy;
import ai.stylefarm.modelkit.stylegan.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** Reference data made with NVIDIA's official code, copied into test resources. */
public final class Fixtures {
    public static final String ADA_A = "fixtures/stylegan2-ada-A/";

    private Fixtures() {}

    public static Npy.Array array(String resource) {
        try (InputStream in = Fixtures.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + resource);
            }
            return Npy.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Tensor tensor(String resource) {
        return array(resource).toTensor();
    }

    public static Path path(String resource) {
        try {
            return Path.of(Fixtures.class.getClassLoader().getResource(resource).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("length " + a.length + " != " + b.length);
        }
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs((double) a[i] - b[i]));
        }
        return m;
    }
}
