namespace Scouter.Resilience;

/// <summary>
/// The one retry-delay policy of Scouter (queue delivery, profile downloads, broker consumers):
/// exponential from <see cref="Initial"/>, capped at <see cref="Max"/>, with full jitter — the delay
/// before retry n is uniform in <c>[0, min(Max, Initial·2^(n-1)))</c>, so replicas that failed
/// together do not retry together. The caller waits through its <see cref="TimeProvider"/>.
/// </summary>
internal sealed class Backoff
{
    private readonly Random _random;
    private readonly Lock _lock = new();

    /// <summary>Creates the policy; <paramref name="random"/> (default: a new unseeded one) makes the jitter reproducible in tests.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="initial"/> is not positive or <paramref name="max"/> is below it.</exception>
    public Backoff(TimeSpan initial, TimeSpan max, Random? random = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(initial, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, initial);
        Initial = initial;
        Max = max;
        _random = random ?? new Random();
    }

    /// <summary>The cap of the first retry's delay.</summary>
    public TimeSpan Initial { get; }

    /// <summary>The largest delay.</summary>
    public TimeSpan Max { get; }

    /// <summary>The cap of retry <paramref name="attempt"/> (1-based): <c>min(Max, Initial·2^(attempt-1))</c>.</summary>
    public TimeSpan Cap(int attempt)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        return TimeSpan.FromTicks((long)Math.Min(Max.Ticks, Initial.Ticks * Math.Pow(2, Math.Min(attempt - 1, 62))));
    }

    /// <summary>The delay before retry <paramref name="attempt"/> (1-based): uniform in <c>[0, Cap(attempt))</c>. Thread-safe.</summary>
    public TimeSpan Delay(int attempt)
    {
        var cap = Cap(attempt).Ticks;
        double u;
        lock (_lock) u = _random.NextDouble();
        return TimeSpan.FromTicks((long)(cap * u));
    }
}
