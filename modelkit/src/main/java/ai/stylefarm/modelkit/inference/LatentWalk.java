package ai.stylefarm.modelkit.inference;

import java.util.List;

/**
 * A walk through latent space that passes through keyframe vectors, one keyframe every
 * {@code framesPerKeyframe} frames. Frame {@code f} sits at {@code t = f / framesPerKeyframe} keyframes.
 * <ul>
 *   <li>{@link Kind#LINEAR}: straight lines between neighbours (for w).</li>
 *   <li>{@link Kind#SLERP}: great-circle arcs between neighbours (for Gaussian z, whose mass lies near a sphere).</li>
 *   <li>{@link Kind#CUBIC}: a not-a-knot cubic spline through the keyframes, as scipy's {@code interp1d(kind='cubic')}
 *       in stylegan3's gen_video.py. A looping walk tiles the keyframes {@value #WRAPS} times on each side before
 *       fitting, as gen_video.py does, so the curve passes the seam as smoothly as any keyframe.</li>
 * </ul>
 * A looping walk has {@code K · framesPerKeyframe} frames and returns towards keyframe 0 after the last; an open
 * walk has {@code (K − 1) · framesPerKeyframe + 1} frames and ends on the last keyframe.
 */
public final class LatentWalk {
    public enum Kind { LINEAR, SLERP, CUBIC }

    static final int WRAPS = 2;

    private final List<float[]> keyframes;
    private final Kind kind;
    private final boolean loop;
    private final int framesPerKeyframe;
    private final int dim;
    private final Spline spline;

    public LatentWalk(List<float[]> keyframes, Kind kind, boolean loop, int framesPerKeyframe) {
        if (keyframes.size() < 2) {
            throw new IllegalArgumentException("a walk needs at least 2 keyframes, got " + keyframes.size());
        }
        if (framesPerKeyframe < 1) {
            throw new IllegalArgumentException("frames per keyframe must be at least 1, was " + framesPerKeyframe);
        }
        this.dim = keyframes.get(0).length;
        if (keyframes.stream().anyMatch(k -> k.length != dim)) {
            throw new IllegalArgumentException("keyframes differ in length; all must have " + dim + " values");
        }
        this.keyframes = List.copyOf(keyframes);
        this.kind = kind;
        this.loop = loop;
        this.framesPerKeyframe = framesPerKeyframe;
        this.spline = kind == Kind.CUBIC ? Spline.fit(this.keyframes, loop, dim) : null;
    }

    public static long frameCount(int keyframes, boolean loop, int framesPerKeyframe) {
        return loop ? (long) keyframes * framesPerKeyframe : (long) (keyframes - 1) * framesPerKeyframe + 1;
    }

    public long frameCount() {
        return frameCount(keyframes.size(), loop, framesPerKeyframe);
    }

    /** The vector at frame {@code frame}, 0 to {@link #frameCount()} − 1. */
    public float[] at(long frame) {
        if (frame < 0 || frame >= frameCount()) {
            throw new IllegalArgumentException("frame " + frame + " is outside 0 to " + (frameCount() - 1));
        }
        double t = (double) frame / framesPerKeyframe;
        if (spline != null) {
            return spline.at(t);
        }
        int k = (int) Math.floor(t);
        double u = t - k;
        float[] a = keyframes.get(k % keyframes.size());
        if (u == 0) {
            return a.clone();
        }
        float[] b = keyframes.get((k + 1) % keyframes.size());
        return kind == Kind.SLERP ? slerp(a, b, u) : lerp(a, b, u);
    }

    static float[] lerp(float[] a, float[] b, double u) {
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (float) (a[i] + (b[i] - a[i]) * u);
        }
        return out;
    }

    /** Spherical interpolation of the raw vectors (norms are interpolated along with the direction). */
    static float[] slerp(float[] a, float[] b, double u) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        double cos = dot / Math.sqrt(na * nb);
        double omega = Math.acos(Math.max(-1, Math.min(1, cos)));
        if (!(Math.sin(omega) > 1e-6)) {
            return lerp(a, b, u); // (anti)parallel: the arc is not defined, the line is.
        }
        double wa = Math.sin((1 - u) * omega) / Math.sin(omega);
        double wb = Math.sin(u * omega) / Math.sin(omega);
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (float) (wa * a[i] + wb * b[i]);
        }
        return out;
    }

    /**
     * A not-a-knot cubic spline on unit-spaced knots, in second-derivative form: on [x_i, x_i+1] with
     * {@code a = x_i+1 − t}, {@code b = t − x_i}: {@code S = a·y_i + b·y_i+1 + ((a³−a)·M_i + (b³−b)·M_i+1) / 6}.
     */
    private record Spline(double x0, int n, int dim, double[] y, double[] m) {
        static Spline fit(List<float[]> keys, boolean loop, int dim) {
            int k = keys.size();
            int n = loop ? k * (2 * WRAPS + 1) : k;
            double x0 = loop ? -k * WRAPS : 0;
            double[] y = new double[n * dim];
            for (int i = 0; i < n; i++) {
                float[] key = keys.get(i % k);
                for (int d = 0; d < dim; d++) {
                    y[i * dim + d] = key[d];
                }
            }
            return new Spline(x0, n, dim, y, secondDerivatives(y, n, dim));
        }

        /**
         * Interior rows {@code M_i−1 + 4·M_i + M_i+1 = 6·(y_i−1 − 2·y_i + y_i+1)}. Not-a-knot (the third derivative
         * is continuous at x_1 and x_n−2) means {@code M_0 = 2·M_1 − M_2}; put into row 1 it gives
         * {@code M_1 = y_0 − 2·y_1 + y_2}, and the same at the other end. The rows in between are tridiagonal.
         * Three knots make the parabola through them (M constant), two a line (M = 0), as scipy does.
         */
        private static double[] secondDerivatives(double[] y, int n, int dim) {
            double[] m = new double[n * dim];
            if (n < 3) {
                return m;
            }
            if (n == 3) {
                for (int d = 0; d < dim; d++) {
                    double c = curvature(y, 1, d, dim);
                    m[d] = c;
                    m[dim + d] = c;
                    m[2 * dim + d] = c;
                }
                return m;
            }
            int last = n - 2;
            for (int d = 0; d < dim; d++) {
                m[dim + d] = curvature(y, 1, d, dim);
                m[last * dim + d] = curvature(y, last, d, dim);
            }
            int unknowns = n - 4; // M_2 .. M_n-3
            if (unknowns > 0) {
                // Thomas algorithm: the matrix (4 on the diagonal, 1 beside it) is shared by every dimension.
                double[] c = new double[unknowns];
                double[] denominators = new double[unknowns];
                for (int j = 0; j < unknowns; j++) {
                    denominators[j] = 4 - (j == 0 ? 0 : c[j - 1]);
                    c[j] = 1 / denominators[j];
                }
                double[] rhs = new double[unknowns];
                for (int d = 0; d < dim; d++) {
                    for (int j = 0; j < unknowns; j++) {
                        int i = j + 2;
                        double r = 6 * curvature(y, i, d, dim);
                        if (j == 0) {
                            r -= m[dim + d];
                        }
                        if (j == unknowns - 1) {
                            r -= m[last * dim + d];
                        }
                        rhs[j] = (r - (j == 0 ? 0 : rhs[j - 1])) / denominators[j];
                    }
                    for (int j = unknowns - 1; j >= 0; j--) {
                        double next = j == unknowns - 1 ? 0 : m[(j + 3) * dim + d];
                        m[(j + 2) * dim + d] = rhs[j] - c[j] * next;
                    }
                }
            }
            for (int d = 0; d < dim; d++) {
                m[d] = 2 * m[dim + d] - m[2 * dim + d];
                m[(n - 1) * dim + d] = 2 * m[last * dim + d] - m[(last - 1) * dim + d];
            }
            return m;
        }

        private static double curvature(double[] y, int i, int d, int dim) {
            return y[(i - 1) * dim + d] - 2 * y[i * dim + d] + y[(i + 1) * dim + d];
        }

        float[] at(double t) {
            double x = t - x0;
            int i = Math.min(n - 2, Math.max(0, (int) Math.floor(x)));
            double b = x - i;
            double a = 1 - b;
            float[] out = new float[dim];
            for (int d = 0; d < dim; d++) {
                double yi = y[i * dim + d];
                double yj = y[(i + 1) * dim + d];
                out[d] = (float) (a * yi + b * yj
                        + ((a * a * a - a) * m[i * dim + d] + (b * b * b - b) * m[(i + 1) * dim + d]) / 6);
            }
            return out;
        }
    }
}
