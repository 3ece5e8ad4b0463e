package ai.stylefarm.scheduler.duties;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * The ROC of a distance detector ("the model made it" when distance ≤ t), its AUC, and the threshold for a target
 * false-positive rate.
 *
 * @param points     one per distinct distance, ascending: (threshold, false-positive rate, true-positive rate)
 * @param auc        probability that a random positive is closer than a random negative (ties count half)
 * @param threshold  chosen threshold: the largest true-positive rate whose false-positive rate is within the
 *                   target, placed at the geometric middle of the gap it falls in, so it does not sit on a sample
 * @param fpr        false-positive rate of the chosen threshold on these negatives
 * @param tpr        true-positive rate of the chosen threshold on these positives
 */
record Roc(List<Point> points, double auc, double threshold, double fpr, double tpr) {

    record Point(double threshold, double fpr, double tpr) {
    }

    static Roc of(double[] positives, double[] negatives, double targetFpr) {
        if (positives.length == 0 || negatives.length == 0) {
            throw new IllegalArgumentException("a ROC needs positives and negatives, got " + positives.length + " and "
                    + negatives.length);
        }
        double[] pos = positives.clone();
        double[] neg = negatives.clone();
        Arrays.sort(pos);
        Arrays.sort(neg);
        TreeSet<Double> thresholds = new TreeSet<>();
        Arrays.stream(pos).forEach(thresholds::add);
        Arrays.stream(neg).forEach(thresholds::add);
        List<Point> points = new ArrayList<>();
        for (double t : thresholds) {
            points.add(new Point(t, atOrBelow(neg, t) / (double) neg.length, atOrBelow(pos, t) / (double) pos.length));
        }
        // Negatives allowed at or below the threshold; the threshold stays below the next negative, and below all
        // negatives tied with it (equal distances cannot be split).
        int allowed = Math.min(neg.length - 1, (int) Math.floor(targetFpr * neg.length + 1e-9));
        while (allowed > 0 && neg[allowed - 1] == neg[allowed]) {
            allowed--;
        }
        double ceiling = neg[allowed];
        double below = Double.NEGATIVE_INFINITY;
        for (double p : pos) {
            if (p < ceiling) {
                below = Math.max(below, p);
            }
        }
        if (allowed > 0) {
            below = Math.max(below, neg[allowed - 1]);
        }
        // Geometric middle of the gap (distances spread over decades); halfway down when nothing is below.
        double threshold = below > 0 ? Math.sqrt(below * ceiling) : ceiling / 2;
        return new Roc(points, auc(pos, neg), threshold,
                atOrBelow(neg, threshold) / (double) neg.length, atOrBelow(pos, threshold) / (double) pos.length);
    }

    /** The probability that a random positive is closer than a random negative, ties counting half. */
    static double auc(double[] positives, double[] negatives) {
        double wins = 0;
        for (double p : positives) {
            for (double n : negatives) {
                wins += p < n ? 1 : p == n ? 0.5 : 0;
            }
        }
        return wins / ((double) positives.length * negatives.length);
    }

    private static int atOrBelow(double[] sorted, double t) {
        int n = 0;
        while (n < sorted.length && sorted[n] <= t) {
            n++;
        }
        return n;
    }
}
