using System.Collections.Concurrent;

namespace Scouter.Client;

/// <summary>
/// Lets a repeated log line (one drop reason, data-error kind or rejection code) through at most once
/// per <see cref="Interval"/>, counting the occurrences in between so that the next line can say how
/// many there were. The first occurrence is logged at once. Thread-safe and lock-free; every
/// occurrence is counted in exactly one line's count (or waits for the next line).
/// </summary>
internal sealed class LogThrottle(TimeProvider time)
{
    /// <summary>Shortest time between two lines of one kind: 5 minutes.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    private const long Never = long.MinValue;
    private long _count;
    private long _lastLine = Never;

    /// <summary>
    /// Records <paramref name="occurrences"/> more; true when a line should be written now, with
    /// <paramref name="count"/> the occurrences since the previous line (these included).
    /// </summary>
    public bool Hit(long occurrences, out long count)
    {
        Interlocked.Add(ref _count, occurrences);
        var now = time.GetTimestamp();
        var last = Volatile.Read(ref _lastLine);
        if ((last != Never && time.GetElapsedTime(last, now) < Interval) || Interlocked.CompareExchange(ref _lastLine, now, last) != last)
        {
            count = 0;
            return false;
        }
        count = Interlocked.Exchange(ref _count, 0);
        return true;
    }

    /// <summary>As <see cref="Hit(long, out long)"/> for one occurrence.</summary>
    public bool Hit(out long count) => Hit(1, out count);
}

/// <summary>One <see cref="LogThrottle"/> per key (codes that are not known in advance).</summary>
internal sealed class LogThrottles(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, LogThrottle> _throttles = new(StringComparer.Ordinal);

    public bool Hit(string key, long occurrences, out long count) =>
        _throttles.GetOrAdd(key, static (_, t) => new LogThrottle(t), time).Hit(occurrences, out count);
}
