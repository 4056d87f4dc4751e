namespace Scouter.Drift;

/// <summary>A rule run found by <see cref="SpcRuleScanner{T}"/>: the samples that fired the rule.</summary>
/// <typeparam name="T">What the caller tagged each sample with (an index, a time).</typeparam>
/// <param name="Zone">Zone 1-4, or null for a trend.</param>
/// <param name="Kind">The rule.</param>
/// <param name="Start">Tag of the run's first sample.</param>
/// <param name="End">Tag of the sample that completed the run (the run's length-th sample).</param>
internal readonly record struct SpcRuleHit<T>(int? Zone, SpcAlertKind Kind, T Start, T End);

/// <summary>
/// The SPC rules of spec/drift-math.md 2.3 over a stream of sample means, oldest first, one at a
/// time: memory does not grow with the series, so a check can read any number of samples. Each
/// maximal streak that satisfies a rule is reported once, when it reaches the rule's length, with
/// its first <c>length</c> samples (a longer streak is the same run). The first hit of each (zone,
/// kind) is what <see cref="SpcRuleEngine.Evaluate"/> reports.
/// </summary>
/// <typeparam name="T">A tag per sample that hits carry back (e.g. its index or time).</typeparam>
internal sealed class SpcRuleScanner<T>
{
    private readonly double _center;
    private readonly double _sigma;
    private readonly int[] _consecutive = new int[5];
    private readonly int[] _alternating = new int[5];
    private readonly int _trendLength;

    // Current streak per zone: length (saturated at the rule's length, so it cannot overflow) and first tag.
    private readonly int[] _above = new int[5];
    private readonly int[] _below = new int[5];
    private readonly int[] _alternatingRun = new int[5];
    private readonly T[] _aboveStart = new T[5];
    private readonly T[] _belowStart = new T[5];
    private readonly T[] _alternatingStart = new T[5];
    private int _up, _down;
    private T _upStart = default!, _downStart = default!;

    private readonly SpcRuleHit<T>[] _hits = new SpcRuleHit<T>[9];
    private int _hitCount;
    private bool _any;
    private int _previousCode;
    private double _previousMean;

    /// <summary>Starts an empty series.</summary>
    /// <param name="center">Baseline center.</param>
    /// <param name="sigma">Limit scale s (at least 0; checked per sample by <see cref="Spc.ZoneCode"/>).</param>
    /// <param name="rule">Run lengths per zone.</param>
    /// <param name="zonesToMonitor">Zones 1-4 whose consecutive/alternating rules are evaluated.</param>
    /// <param name="trendLength">Strictly monotone run length that alerts as a trend; 0 disables, otherwise at least 2.</param>
    public SpcRuleScanner(double center, double sigma, SpcRule rule, IReadOnlyCollection<int> zonesToMonitor, int trendLength)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(zonesToMonitor);
        if (trendLength < 0 || trendLength == 1)
            throw new ArgumentOutOfRangeException(nameof(trendLength), trendLength, "trend length must be 0 (disabled) or >= 2.");
        foreach (var zone in zonesToMonitor)
        {
            if (zone is < 1 or > 4) throw new ArgumentOutOfRangeException(nameof(zonesToMonitor), zone, "Zones are 1 to 4.");
            // 0 marks a disabled rule: a consecutive length <= 0, an alternating length < 2.
            _consecutive[zone] = Math.Max(0, rule.Consecutive(zone));
            _alternating[zone] = rule.Alternating(zone) >= 2 ? rule.Alternating(zone) : 0;
        }
        _center = center;
        _sigma = sigma;
        _trendLength = trendLength;
    }

    /// <summary>The runs completed by the last <see cref="Add"/>, in zone order (consecutive/out-of-bounds before alternating), trend last.</summary>
    public ReadOnlySpan<SpcRuleHit<T>> Hits => _hits.AsSpan(0, _hitCount);

    /// <summary>Adds the next sample mean and returns its zone code; <see cref="Hits"/> then holds the runs it completed.</summary>
    /// <param name="mean">The sample mean; must not be NaN.</param>
    /// <param name="tag">The sample's tag, carried back in hits.</param>
    public int Add(double mean, T tag)
    {
        var code = Spc.ZoneCode(mean, _center, _sigma);
        _hitCount = 0;
        for (var zone = 1; zone <= 4; zone++)
        {
            if (_consecutive[zone] is > 0 and var length)
            {
                var kind = zone == 4 ? SpcAlertKind.OutOfBounds : SpcAlertKind.Consecutive;
                Extend(code >= zone, ref _above[zone], ref _aboveStart[zone], length, zone, kind, tag);
                Extend(code <= -zone, ref _below[zone], ref _belowStart[zone], length, zone, kind, tag);
            }
            if (_alternating[zone] is > 0 and var alternating)
            {
                ref var run = ref _alternatingRun[zone];
                if (Math.Abs(code) < zone) run = 0;
                else if (run > 0 && Math.Sign(code) != Math.Sign(_previousCode)) Grow(ref run, _alternatingStart[zone], alternating, zone, SpcAlertKind.Alternating, tag);
                else Begin(ref run, ref _alternatingStart[zone], alternating, zone, SpcAlertKind.Alternating, tag);
            }
        }
        if (_trendLength > 0)
        {
            if (_any && mean > _previousMean) Grow(ref _up, _upStart, _trendLength, null, SpcAlertKind.Trend, tag);
            else Begin(ref _up, ref _upStart, _trendLength, null, SpcAlertKind.Trend, tag);
            if (_any && mean < _previousMean) Grow(ref _down, _downStart, _trendLength, null, SpcAlertKind.Trend, tag);
            else Begin(ref _down, ref _downStart, _trendLength, null, SpcAlertKind.Trend, tag);
        }
        _any = true;
        _previousCode = code;
        _previousMean = mean;
        return code;
    }

    private void Extend(bool holds, ref int run, ref T start, int length, int zone, SpcAlertKind kind, T tag)
    {
        if (!holds) run = 0;
        else if (run > 0) Grow(ref run, start, length, zone, kind, tag);
        else Begin(ref run, ref start, length, zone, kind, tag);
    }

    private void Begin(ref int run, ref T start, int length, int? zone, SpcAlertKind kind, T tag)
    {
        run = 0;
        start = tag;
        Grow(ref run, start, length, zone, kind, tag);
    }

    private void Grow(ref int run, T start, int length, int? zone, SpcAlertKind kind, T tag)
    {
        if (run >= length) return; // the streak already fired: one run, not one per sample
        if (++run == length) _hits[_hitCount++] = new SpcRuleHit<T>(zone, kind, start, tag);
    }
}
