using System.Collections.Concurrent;
using System.Globalization;
using MathNet.Numerics.Distributions;

namespace Scouter.Drift;

/// <summary>
/// Run lengths for the SPC alert decision that keep a check's false-alarm probability at most α per
/// feature whatever the window's sample count (docs/spc-alerts.md). The rules of spec 2.3 are kept
/// as they are for the raw rule hits; the decision runs the same rules with lengths raised until,
/// for in-distribution samples (i.i.d. normal sample means around the center), the probability that
/// any of them fires in the window is at most α:
/// <list type="bullet">
/// <item>each enabled rule gets α / R (R enabled rules; a union bound over rules, so the total is at most α);</item>
/// <item>consecutive and alternating rules: the exact probability that a run of the length occurs in n
/// samples (a Markov chain over the current run), for n up to <see cref="ExactLimit"/>; beyond, the union
/// bound over start positions, (n - L + 1)·2·p^L;</item>
/// <item>trend: the union bound (n - L + 1)·2 / L! (a given L values are monotone with probability 2 / L!
/// for any continuous distribution).</item>
/// </list>
/// A sample mean's zone probabilities follow the limit scale: on the sample-mean scale
/// z ~ N(0, 1); on the observation scale (limits at ±k·σ̂ of single values) a mean of m values has
/// z ~ N(0, 1/m), m the profile's sample size. Results are cached per (rules, scale, m, window grid, α);
/// the window's count is rounded up to a power of two, which keeps the bound (the probability grows with n).
/// </summary>
internal static class SpcAlertCalibration
{
    /// <summary>The default per-feature, per-check false-alarm probability: 1 %.</summary>
    public const double DefaultFalseAlarmRate = 0.01;

    /// <summary>Largest window (after rounding up) whose run probabilities are computed exactly.</summary>
    public const long ExactLimit = 1L << 16;

    private static readonly ConcurrentDictionary<string, SpcCalibration> Cache = new(StringComparer.Ordinal);

    /// <summary>The calibrated rules of <paramref name="profile"/>'s feature alerts for a window of <paramref name="samples"/> samples.</summary>
    public static SpcCalibration For(SpcDriftProfile profile, long samples, double falseAlarmRate = DefaultFalseAlarmRate)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var alert = profile.Config.AlertConfig;
        return For(alert.ParsedRule, alert.ZonesToMonitor, alert.TrendLength, profile.Config.LimitScale, profile.Config.SampleSize, samples, falseAlarmRate);
    }

    /// <summary>The calibrated rules for a window of <paramref name="samples"/> samples.</summary>
    /// <param name="rule">The configured run lengths.</param>
    /// <param name="zonesToMonitor">Zones whose consecutive/alternating rules are evaluated.</param>
    /// <param name="trendLength">Configured trend length (0 disables).</param>
    /// <param name="scale">The profile's limit scale.</param>
    /// <param name="sampleSize">Values per sample (the profile's sample size; used on the observation scale).</param>
    /// <param name="samples">Samples in the window (at least 0).</param>
    /// <param name="falseAlarmRate">α in (0, 1).</param>
    public static SpcCalibration For(SpcRule rule, IReadOnlyCollection<int> zonesToMonitor, int trendLength, SpcLimitScale scale, int sampleSize, long samples,
        double falseAlarmRate = DefaultFalseAlarmRate)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(zonesToMonitor);
        ArgumentOutOfRangeException.ThrowIfNegative(samples);
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleSize, 1);
        if (!(falseAlarmRate > 0 && falseAlarmRate < 1))
            throw new ArgumentOutOfRangeException(nameof(falseAlarmRate), falseAlarmRate, "The false-alarm rate must be strictly between 0 and 1.");
        var n = Grid(samples);
        var zones = zonesToMonitor.Where(z => z is >= 1 and <= 4).Distinct().Order().ToArray();
        var key = string.Create(CultureInfo.InvariantCulture,
            $"{rule}|{string.Join(',', zones)}|{trendLength}|{scale}|{(scale == SpcLimitScale.Observation ? sampleSize : 0)}|{n}|{falseAlarmRate:R}");
        return Cache.GetOrAdd(key, _ => Compute(rule, zones, trendLength, scale, sampleSize, n, falseAlarmRate));
    }

    /// <summary>
    /// Probability that <paramref name="n"/> i.i.d. samples, each on the upper side with probability
    /// <paramref name="p"/> and on the lower side with probability <paramref name="p"/>, hold a run of
    /// <paramref name="length"/> consecutive samples on one side (exact up to <see cref="ExactLimit"/>
    /// samples, the union bound beyond).
    /// </summary>
    public static double ConsecutiveProbability(double p, int length, long n) => RunProbability(p, length, n, alternating: false);

    /// <summary>
    /// Probability that <paramref name="n"/> such samples hold a run of <paramref name="length"/>
    /// consecutive samples off the center band with strictly alternating sides.
    /// </summary>
    public static double AlternatingProbability(double p, int length, long n) => RunProbability(p, length, n, alternating: true);

    /// <summary>Upper bound of the probability that <paramref name="n"/> i.i.d. continuous values hold a strictly monotone run of <paramref name="length"/>: (n - L + 1)·2 / L!.</summary>
    public static double TrendBound(int length, long n)
    {
        if (length < 2 || n < length) return 0;
        var factorial = 1.0;
        for (var i = 2; i <= length; i++) factorial *= i;
        return Math.Min(1, (n - length + 1) * 2 / factorial);
    }

    /// <summary>
    /// Probability that an in-distribution sample mean is at or beyond zone <paramref name="zone"/> on
    /// one given side (zone 1: above the center; zone k: at least k - 1 limit units; zone 4: beyond 3).
    /// </summary>
    public static double ZoneProbability(int zone, SpcLimitScale scale, int sampleSize)
    {
        if (zone is < 1 or > 4) throw new ArgumentOutOfRangeException(nameof(zone), zone, "Zones are 1 to 4.");
        var spread = scale == SpcLimitScale.SampleMean ? 1.0 : 1.0 / Math.Sqrt(sampleSize);
        return zone == 1 ? 0.5 : Normal.CDF(0, 1, -(zone - 1) / spread);
    }

    private static SpcCalibration Compute(SpcRule rule, int[] zones, int trendLength, SpcLimitScale scale, int sampleSize, long n, double alpha)
    {
        var rules = zones.Count(z => rule.Consecutive(z) > 0) + zones.Count(z => rule.Alternating(z) >= 2) + (trendLength >= 2 ? 1 : 0);
        var consecutive = Enumerable.Range(1, 4).Select(rule.Consecutive).ToArray();
        var alternating = Enumerable.Range(1, 4).Select(rule.Alternating).ToArray();
        if (rules == 0) return new SpcCalibration(n, alpha, rule, trendLength, 0);
        var share = alpha / rules;
        var bound = 0.0;
        foreach (var zone in zones)
        {
            var p = ZoneProbability(zone, scale, sampleSize);
            if (consecutive[zone - 1] > 0) bound += Raise(ref consecutive[zone - 1], n, share, l => ConsecutiveProbability(p, l, n));
            if (alternating[zone - 1] >= 2) bound += Raise(ref alternating[zone - 1], n, share, l => AlternatingProbability(p, l, n));
        }
        var trend = trendLength;
        if (trend >= 2) bound += Raise(ref trend, n, share, l => TrendBound(l, n));
        return new SpcCalibration(n, alpha, SpcRule.Of(consecutive, alternating), trend, bound);
    }

    /// <summary>Raises <paramref name="length"/> until the rule's probability is at most <paramref name="share"/>; returns that probability.</summary>
    private static double Raise(ref int length, long n, double share, Func<int, double> probability)
    {
        // A run longer than the window cannot occur (probability 0), so the loop ends by n + 1.
        var p = probability(length);
        while (p > share && length <= n)
        {
            length++;
            p = probability(length);
        }
        return p;
    }

    private static double RunProbability(double p, int length, long n, bool alternating)
    {
        if (length < 1 || n < length || p <= 0) return 0;
        if (n > ExactLimit) return Math.Min(1, (n - length + 1) * 2 * Math.Pow(p, length));
        if (length == 1) return 1 - Math.Pow(1 - (2 * p), n);
        // Markov chain over the current run: its length r (1 .. length-1) and the side of its last sample
        // (up / down), or no run; a run reaching the length is absorbed into "fired".
        var up = new double[length];
        var down = new double[length];
        var nextUp = new double[length];
        var nextDown = new double[length];
        double none = 1, fired = 0;
        for (long i = 0; i < n; i++)
        {
            double sumUp = 0, sumDown = 0;
            for (var r = 1; r < length; r++)
            {
                sumUp += up[r];
                sumDown += down[r];
            }
            fired += p * (up[length - 1] + down[length - 1]);
            // An upper sample extends a run that ended on the same side (consecutive) or on the other side
            // (alternating); otherwise it starts a run of 1. A sample inside the band ends every run.
            nextUp[1] = p * (none + (alternating ? sumUp : sumDown));
            nextDown[1] = p * (none + (alternating ? sumDown : sumUp));
            for (var r = 1; r + 1 < length; r++)
            {
                nextUp[r + 1] = p * (alternating ? down[r] : up[r]);
                nextDown[r + 1] = p * (alternating ? up[r] : down[r]);
            }
            none = (1 - (2 * p)) * (none + sumUp + sumDown);
            (up, nextUp) = (nextUp, up);
            (down, nextDown) = (nextDown, down);
        }
        return Math.Min(1, fired);
    }

    /// <summary>The calibration grid: the next power of two at or above the count (at least 16).</summary>
    private static long Grid(long samples)
    {
        var n = 16L;
        while (n < samples) n *= 2;
        return n;
    }
}
