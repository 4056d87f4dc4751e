namespace Scouter.Server.Evaluation;

/// <summary>
/// Bounds judge calls per replica: at most <see cref="EvaluationOptions.Concurrency"/> in flight and, when
/// <see cref="EvaluationOptions.RequestsPerMinute"/> is set, at most that many started in any rolling
/// minute. The rate limit is written here rather than taken from System.Threading.RateLimiting because
/// it must run on the server's <see cref="TimeProvider"/> (tests move time by hand).
/// </summary>
internal sealed class JudgeGate : IDisposable
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private readonly SemaphoreSlim _slots;
    private readonly int _perMinute;
    private readonly TimeProvider _time;
    private readonly Queue<DateTimeOffset> _starts = new();
    private readonly Lock _lock = new();

    public JudgeGate(EvaluationOptions options, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Concurrency, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(options.RequestsPerMinute);
        _slots = new SemaphoreSlim(options.Concurrency, options.Concurrency);
        _perMinute = options.RequestsPerMinute;
        _time = time;
    }

    /// <summary>Runs <paramref name="call"/> once a slot is free and the rate allows it.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        try
        {
            await WaitForRateAsync(cancellationToken);
            return await call();
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose() => _slots.Dispose();

    private async Task WaitForRateAsync(CancellationToken cancellationToken)
    {
        if (_perMinute == 0) return;
        while (true)
        {
            TimeSpan wait;
            lock (_lock)
            {
                var now = _time.GetUtcNow();
                while (_starts.Count > 0 && _starts.Peek() <= now - Minute) _starts.Dequeue();
                if (_starts.Count < _perMinute)
                {
                    _starts.Enqueue(now);
                    return;
                }
                wait = _starts.Peek() + Minute - now;
            }
            await Task.Delay(wait, _time, cancellationToken);
        }
    }
}
