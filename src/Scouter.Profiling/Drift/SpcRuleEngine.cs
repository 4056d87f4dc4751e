namespace Scouter.Drift;

/// <summary>Evaluates the SPC rules of spec/drift-math.md 2.3 over a series of sample means.</summary>
internal static class SpcRuleEngine
{
    /// <summary>
    /// Zone codes of <paramref name="means"/> (oldest first) and the rules they fire. Each
    /// distinct (zone, kind) is reported once per evaluation, with the indices of its first
    /// matching run: a check window raises one alert per rule, not one per overlapping run.
    /// Alerts are ordered by zone (consecutive/out-of-bounds before alternating), trend last.
    /// </summary>
    /// <param name="means">Sample means, oldest first; none may be NaN.</param>
    /// <param name="center">Baseline center.</param>
    /// <param name="sigma">Limit scale s (at least 0).</param>
    /// <param name="rule">Run lengths per zone.</param>
    /// <param name="zonesToMonitor">Zones 1-4 whose consecutive/alternating rules are evaluated.</param>
    /// <param name="trendLength">Strictly monotone run length that alerts as a trend; 0 disables, otherwise at least 2.</param>
    public static (int[] Codes, IReadOnlyList<SpcRuleAlert> Alerts) Evaluate(
        ReadOnlySpan<double> means, double center, double sigma, SpcRule rule, IReadOnlyCollection<int> zonesToMonitor, int trendLength)
    {
        var scanner = new SpcRuleScanner<int>(center, sigma, rule, zonesToMonitor, trendLength);
        var codes = new int[means.Length];
        // The first run per (zone, kind), slotted in report order: zone 1 consecutive, zone 1 alternating, ..., trend.
        var first = new SpcRuleAlert?[9];
        for (var i = 0; i < means.Length; i++)
        {
            codes[i] = scanner.Add(means[i], i);
            foreach (var hit in scanner.Hits)
            {
                var slot = hit.Zone is { } zone ? (2 * (zone - 1)) + (hit.Kind == SpcAlertKind.Alternating ? 1 : 0) : 8;
                first[slot] ??= new SpcRuleAlert(hit.Zone, hit.Kind, hit.Start, hit.End);
            }
        }
        return (codes, [.. first.OfType<SpcRuleAlert>()]);
    }
}
