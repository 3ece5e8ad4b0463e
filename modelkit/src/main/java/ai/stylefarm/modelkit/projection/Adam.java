package ai.stylefarm.modelkit.projection;

/** Adam (β1 0.9, β2 0.999, ε 1e-8) for one parameter array, with torch.optim.Adam's bias correction. */
final class Adam {
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPS = 1e-8;

    private final float[] m;
    private final float[] v;
    private int t;

    Adam(int size) {
        m = new float[size];
        v = new float[size];
    }

    void step(float[] param, float[] grad, double lr) {
        t++;
        double correction1 = 1 - Math.pow(BETA1, t);
        double sqrtCorrection2 = Math.sqrt(1 - Math.pow(BETA2, t));
        for (int i = 0; i < param.length; i++) {
            m[i] = (float) (BETA1 * m[i] + (1 - BETA1) * grad[i]);
            v[i] = (float) (BETA2 * v[i] + (1 - BETA2) * grad[i] * grad[i]);
            double denom = Math.sqrt(v[i]) / sqrtCorrection2 + EPS;
            param[i] -= (float) (lr / correction1 * m[i] / denom);
        }
    }
}
