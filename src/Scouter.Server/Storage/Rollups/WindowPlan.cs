namespace Scouter.Server.Storage.Rollups;

/// <summary>
/// How a read over a <see cref="TimeWindow"/> splits between roll-ups and raw rows. A roll-up hour
/// is usable when it lies wholly inside one of the window's buckets; each bucket's usable hours are
/// one contiguous range. Everything else in the window — bucket edges that are not whole hours,
/// buckets narrower than an hour — is read from raw rows (<see cref="RawRanges"/>, merged). When
/// that would take more than <see cref="MaxRawRanges"/> separate ranges, the whole window is read
/// raw: the answer is the same, only slower.
/// </summary>
internal sealed class WindowPlan
{
    /// <summary>Most separate raw ranges one read issues before it reads the whole window raw.</summary>
    public const int MaxRawRanges = 32;

    private readonly TimeWindow _window;
    private readonly (long First, long Last)[] _hours;

    private WindowPlan(TimeWindow window, (long First, long Last)[] hours, IReadOnlyList<(long From, long To)> raw)
    {
        _window = window;
        _hours = hours;
        RawRanges = raw;
        FirstHour = long.MaxValue;
        LastHour = long.MinValue;
        foreach (var (first, last) in hours)
        {
            if (first > last) continue;
            FirstHour = Math.Min(FirstHour, first);
            LastHour = Math.Max(LastHour, last);
        }
    }

    /// <summary>Whether any roll-up hour is usable.</summary>
    public bool HasHours => FirstHour <= LastHour;

    /// <summary>First usable hour (when <see cref="HasHours"/>).</summary>
    public long FirstHour { get; }

    /// <summary>Last usable hour (when <see cref="HasHours"/>).</summary>
    public long LastHour { get; }

    /// <summary>The window's parts read from raw rows: disjoint <c>(From, To]</c> ranges in microseconds, in time order.</summary>
    public IReadOnlyList<(long From, long To)> RawRanges { get; }

    /// <summary>The plan of <paramref name="window"/>.</summary>
    public static WindowPlan For(TimeWindow window)
    {
        var from = DbTime.ToMicros(window.From);
        var to = DbTime.ToMicros(window.To);
        var hours = new (long First, long Last)[window.Buckets];
        var raw = new List<(long From, long To)>();
        for (var i = 0; i < window.Buckets; i++)
        {
            var start = from + (i * window.BucketMicros);
            var end = Math.Min(start + window.BucketMicros, to);
            hours[i] = (1, 0);
            if (start >= end) continue;
            var first = RollupGrain.CeilDiv(start, RollupGrain.Micros);
            var last = RollupGrain.HoursBefore(end) - 1;
            if (first > last)
            {
                Add(raw, start, end);
                continue;
            }
            hours[i] = (first, last);
            Add(raw, start, RollupGrain.Start(first));
            Add(raw, RollupGrain.End(last), end);
            if (raw.Count > MaxRawRanges) return Raw(window);
        }
        return new WindowPlan(window, hours, raw);
    }

    /// <summary>A plan that reads the whole window raw.</summary>
    public static WindowPlan Raw(TimeWindow window) =>
        new(window, [.. Enumerable.Repeat((1L, 0L), window.Buckets)], [(DbTime.ToMicros(window.From), DbTime.ToMicros(window.To))]);

    /// <summary>The window bucket that uses roll-up hour <paramref name="hour"/>, or -1 when the hour is not usable (its rows are read raw).</summary>
    public int BucketOfHour(long hour)
    {
        if (hour < FirstHour || hour > LastHour) return -1;
        var bucket = _window.BucketOf(DbTime.FromMicros(RollupGrain.Start(hour) + 1));
        if (bucket < 0 || bucket >= _hours.Length) return -1;
        var (first, last) = _hours[bucket];
        return hour >= first && hour <= last ? bucket : -1;
    }

    private static void Add(List<(long From, long To)> ranges, long from, long to)
    {
        if (from >= to) return;
        if (ranges.Count > 0 && ranges[^1].To == from) ranges[^1] = (ranges[^1].From, to);
        else ranges.Add((from, to));
    }

}
