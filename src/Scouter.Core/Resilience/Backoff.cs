namespace Scouter.Resilience;

/// <summary>
/// Exponential backoff with full jitter: the delay before retry number <c>attempt</c> (1-based) is
/// uniform in [0, min(<see cref="Max"/>, <see cref="Initial"/>·2^(attempt-1))). Full jitter spreads
/// the retries of many clients that failed together. Not thread-safe (the <see cref="Random"/> is
/// not): one instance per retry loop.
/// </summary>
internal sealed class Backoff
{
    private readonly Random _random;

    /// <exception cref="ArgumentOutOfRangeException"><paramref name="initial"/> is not positive or <paramref name="max"/> is below it.</exception>
    public Backoff(TimeSpan initial, TimeSpan max, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(initial, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, initial);
        ArgumentNullException.ThrowIfNull(random);
        Initial = initial;
        Max = max;
        _random = random;
    }

    /// <summary>The cap of the first delay.</summary>
    public TimeSpan Initial { get; }

    /// <summary>The largest cap.</summary>
    public TimeSpan Max { get; }

    /// <summary>min(<see cref="Max"/>, <see cref="Initial"/>·2^(attempt-1)): the upper bound of <see cref="Delay"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="attempt"/> is below 1.</exception>
    public TimeSpan Cap(int attempt)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        return TimeSpan.FromTicks((long)Math.Min(Max.Ticks, Initial.Ticks * Math.Pow(2, Math.Min(attempt - 1, 62))));
    }

    /// <summary>The delay before retry number <paramref name="attempt"/> (1-based): uniform in [0, <see cref="Cap"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="attempt"/> is below 1.</exception>
    public TimeSpan Delay(int attempt) => TimeSpan.FromTicks((long)(Cap(attempt).Ticks * _random.NextDouble()));
}
