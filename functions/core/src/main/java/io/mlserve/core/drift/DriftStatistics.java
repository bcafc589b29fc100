package io.mlserve.core.drift;

import io.mlserve.core.baseline.BaselineBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;

/**
 * The two-sample statistics drift is judged by, each checked against scipy/numpy on committed samples
 * ({@code src/test/resources/drift/make_reference.py}).
 *
 * <ul>
 *   <li>{@link #ks KS}: statistic {@code D = sup |F_baseline - F_current|}; p-value {@code P(D >= d)}
 *       exact while {@code n·m < 10,000} (scipy {@code ks_2samp(method='exact')}), otherwise Hodges'
 *       approximation {@code P(D_N >= d)}, {@code N = round(n·m/(n+m))}, from the one-sample
 *       distribution (scipy {@code ks_2samp(method='asymp')}).
 *   <li>{@link #chiSquare Chi-square} test of homogeneity on the 2 × K table (baseline row, current row),
 *       categories empty in both rows dropped; effect size Cramér's V of the table with both rows
 *       rescaled to the same total.
 *   <li>{@link #psi PSI} over the baseline's bins ({@link #histogram}) with both proportions floored at {@value #PSI_EPSILON}.
 * </ul>
 *
 * N.B. commons-math3's own {@code kolmogorovSmirnovTest(x, y)} is not used as is: below 10,000 it
 * jitters tied values with a random generator before the exact p-value, and above it returns the
 * Kolmogorov limit distribution, which is up to 2e-2 larger than scipy's {@code 'asymp'} at small
 * {@code N}. The pieces it is built from ({@code kolmogorovSmirnovStatistic}, {@code exactP},
 * {@code cdf}) are used directly instead.
 */
public final class DriftStatistics {

    /** Smallest proportion a PSI bin counts with: a bin empty on one side would otherwise make PSI infinite. */
    public static final double PSI_EPSILON = 1e-4;

    /** {@code n·m} from which the KS p-value is asymptotic (commons-math3's exact limit). */
    public static final long KS_EXACT_LIMIT = 10_000;

    // Stateless for the methods used here (its random generator serves only Monte Carlo and bootstrap).
    private static final KolmogorovSmirnovTest KS = new KolmogorovSmirnovTest();
    private static final ChiSquareTest CHI_SQUARE = new ChiSquareTest();

    private DriftStatistics() {}

    /**
     * A two-sample Kolmogorov–Smirnov result.
     *
     * @param statistic {@code D}, in [0, 1]
     * @param pValue two-sided {@code P(D >= d)} under the hypothesis of one distribution
     * @param method {@code exact} or {@code asymp}, as scipy names them
     */
    public record Ks(double statistic, double pValue, String method) {}

    /**
     * A chi-square test of homogeneity.
     *
     * @param statistic Pearson's chi-square
     * @param pValue upper tail of chi-square with {@code dof} degrees of freedom (1 when {@code dof} is 0)
     * @param dof categories kept minus one
     * @param cramersV Cramér's V of the table with both rows rescaled to the same total, in [0, 1]
     */
    public record ChiSquare(double statistic, double pValue, int dof, double cramersV) {}

    /**
     * Two-sample KS test.
     *
     * @param baseline the baseline sample (finite values), at least 2
     * @param current the current values (finite), at least 2
     * @return statistic, p-value and which p-value method was used
     * @throws IllegalArgumentException when a sample has fewer than 2 values
     */
    public static Ks ks(double[] baseline, double[] current) {
        if (baseline.length < 2 || current.length < 2) {
            throw new IllegalArgumentException("KS needs at least 2 values on each side");
        }
        int n = baseline.length;
        int m = current.length;
        // the statistic is computed on the values as they are, ties included (no jitter)
        double d = KS.kolmogorovSmirnovStatistic(baseline, current);
        if ((long) n * m < KS_EXACT_LIMIT) {
            return new Ks(d, clamp(KS.exactP(d, n, m, false)), "exact");
        }
        // Hodges: N = round(nm/(n+m)) — rint rounds halves to even, as numpy's round does
        int effective = (int) Math.rint((double) n * m / (n + m));
        return new Ks(d, clamp(1 - KS.cdf(d, effective)), "asymp");
    }

    /**
     * Chi-square test of homogeneity between two rows of category counts (same category order).
     * Categories with no count in either row are dropped first: their expected counts would be 0.
     * A category present in one row only (e.g. one never seen in the baseline) stays, as its own category.
     *
     * @param baseline counts per category in the baseline (≥ 0), total &gt; 0
     * @param current counts per category now (≥ 0), total &gt; 0
     * @return the test; with fewer than 2 categories left, statistic 0, p-value 1, V 0
     * @throws IllegalArgumentException for rows of different lengths, a negative count or an empty row
     */
    public static ChiSquare chiSquare(long[] baseline, long[] current) {
        if (baseline.length != current.length) {
            throw new IllegalArgumentException("rows differ in length");
        }
        var kept = new ArrayList<long[]>();
        for (int k = 0; k < baseline.length; k++) {
            if (baseline[k] < 0 || current[k] < 0) {
                throw new IllegalArgumentException("negative count");
            }
            if (baseline[k] + current[k] > 0) {
                kept.add(new long[] {baseline[k], current[k]});
            }
        }
        long baseTotal = Arrays.stream(baseline).sum();
        long currentTotal = Arrays.stream(current).sum();
        if (baseTotal == 0 || currentTotal == 0) {
            throw new IllegalArgumentException("a row has no counts");
        }
        if (kept.size() < 2) {
            return new ChiSquare(0, 1, 0, 0);
        }
        var table = new long[2][kept.size()];
        double v2 = 0;
        for (int k = 0; k < kept.size(); k++) {
            table[0][k] = kept.get(k)[0];
            table[1][k] = kept.get(k)[1];
            double p = (double) table[0][k] / baseTotal;
            double q = (double) table[1][k] / currentTotal;
            v2 += (p - q) * (p - q) / (p + q);
        }
        double statistic = CHI_SQUARE.chiSquare(table);
        int dof = kept.size() - 1;
        double pValue = clamp(1 - new ChiSquaredDistribution(null, dof).cumulativeProbability(statistic));
        return new ChiSquare(statistic, pValue, dof, Math.sqrt(Math.min(1, 0.5 * v2)));
    }

    /**
     * Population stability index {@code Σ (q_i - p_i) ln(q_i / p_i)} where {@code p_i}, {@code q_i} are the
     * baseline's and the current share of bin (or category) {@code i}, each floored at {@value #PSI_EPSILON}
     * (not renormalised). The floor is below the resolution of a 10,000-row window, so it changes nothing
     * where both sides have data, and it bounds what one empty bin adds (a 10% bin emptied adds
     * {@code 0.1·ln(1000) ≈ 0.69}: still clearly drift, never infinity).
     *
     * @param baseline counts per bin in the baseline, total &gt; 0
     * @param current counts per bin now, total &gt; 0, same bins
     * @return PSI, ≥ 0
     * @throws IllegalArgumentException for rows of different lengths or an empty row
     */
    public static double psi(long[] baseline, long[] current) {
        if (baseline.length != current.length) {
            throw new IllegalArgumentException("rows differ in length");
        }
        long baseTotal = Arrays.stream(baseline).sum();
        long currentTotal = Arrays.stream(current).sum();
        if (baseTotal <= 0 || currentTotal <= 0) {
            throw new IllegalArgumentException("a row has no counts");
        }
        double psi = 0;
        for (int i = 0; i < baseline.length; i++) {
            double p = Math.max((double) baseline[i] / baseTotal, PSI_EPSILON);
            double q = Math.max((double) current[i] / currentTotal, PSI_EPSILON);
            psi += (q - p) * Math.log(q / p);
        }
        return psi;
    }

    /**
     * @param edges ascending inner edges
     * @param values finite values
     * @return counts per bin ({@code edges.length + 1} entries): bin {@code i} holds {@code edges[i-1] < x <= edges[i]},
     *     the outer bins are open (numpy {@code searchsorted(edges, x, side='left')}); the baseline's own
     *     {@link BaselineBuilder#bin} assigns them, so traffic is binned exactly as the baseline was
     */
    public static long[] histogram(double[] edges, double[] values) {
        var counts = new long[edges.length + 1];
        for (double x : values) {
            counts[BaselineBuilder.bin(edges, x)]++;
        }
        return counts;
    }

    /**
     * @param values boxed values
     * @return them unboxed
     */
    static double[] toArray(List<Double> values) {
        var out = new double[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    private static double clamp(double p) {
        return Math.max(0, Math.min(1, p));
    }
}
