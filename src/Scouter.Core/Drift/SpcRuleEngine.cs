namespace Scouter.Drift;

/// <summary>Evaluates the SPC rules of spec/drift-math.md 2.3 over a series of sample means.</summary>
public static class SpcRuleEngine
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
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(zonesToMonitor);
        if (trendLength < 0 || trendLength == 1)
            throw new ArgumentOutOfRangeException(nameof(trendLength), trendLength, "trend length must be 0 (disabled) or >= 2.");

        var monitored = new bool[5];
        foreach (var zone in zonesToMonitor)
        {
            if (zone is < 1 or > 4) throw new ArgumentOutOfRangeException(nameof(zonesToMonitor), zone, "Zones are 1 to 4.");
            monitored[zone] = true;
        }

        var codes = new int[means.Length];
        for (var i = 0; i < means.Length; i++) codes[i] = Spc.ZoneCode(means[i], center, sigma);

        var alerts = new List<SpcRuleAlert>();
        for (var zone = 1; zone <= 4; zone++)
        {
            if (!monitored[zone]) continue;
            if (FirstConsecutiveRun(codes, zone, rule.Consecutive(zone)) is var (cs, ce))
                alerts.Add(new SpcRuleAlert(zone, zone == 4 ? SpcAlertKind.OutOfBounds : SpcAlertKind.Consecutive, cs, ce));
            if (FirstAlternatingRun(codes, zone, rule.Alternating(zone)) is var (a0, a1))
                alerts.Add(new SpcRuleAlert(zone, SpcAlertKind.Alternating, a0, a1));
        }
        if (FirstTrend(means, trendLength) is var (t0, t1))
            alerts.Add(new SpcRuleAlert(null, SpcAlertKind.Trend, t0, t1));
        return (codes, alerts);
    }

    /// <summary>First run of <paramref name="length"/> codes all &gt;= zone or all &lt;= -zone.</summary>
    private static (int Start, int End)? FirstConsecutiveRun(int[] codes, int zone, int length)
    {
        if (length <= 0) return null;
        int above = 0, below = 0;
        for (var i = 0; i < codes.Length; i++)
        {
            above = codes[i] >= zone ? above + 1 : 0;
            below = codes[i] <= -zone ? below + 1 : 0;
            if (above >= length || below >= length) return (i - length + 1, i);
        }
        return null;
    }

    /// <summary>First run of <paramref name="length"/> codes with |code| &gt;= zone and strictly alternating signs.</summary>
    private static (int Start, int End)? FirstAlternatingRun(int[] codes, int zone, int length)
    {
        if (length < 2) return null;
        var run = 0;
        for (var i = 0; i < codes.Length; i++)
        {
            if (Math.Abs(codes[i]) < zone) run = 0;
            else if (run > 0 && Math.Sign(codes[i]) != Math.Sign(codes[i - 1])) run++;
            else run = 1;
            if (run >= length) return (i - length + 1, i);
        }
        return null;
    }

    /// <summary>First run of <paramref name="length"/> strictly increasing or strictly decreasing means.</summary>
    private static (int Start, int End)? FirstTrend(ReadOnlySpan<double> means, int length)
    {
        if (length == 0 || means.IsEmpty) return null;
        int up = 1, down = 1;
        for (var i = 1; i < means.Length; i++)
        {
            up = means[i] > means[i - 1] ? up + 1 : 1;
            down = means[i] < means[i - 1] ? down + 1 : 1;
            if (up >= length || down >= length) return (i - length + 1, i);
        }
        return null;
    }
}
