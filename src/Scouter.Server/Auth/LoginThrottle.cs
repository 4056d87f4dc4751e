using System.Collections.Concurrent;

namespace Scouter.Server.Auth;

/// <summary>
/// Failed-login limiter per (user name, client address): after <see cref="MaxFailures"/> failures within
/// <see cref="Window"/> further attempts are refused (429) until the oldest failure leaves the window.
/// In memory, per replica: with N replicas an attacker gets at most N × 5 guesses per window, which
/// still makes online guessing impractical; a success clears the entry.
/// </summary>
internal sealed class LoginThrottle(TimeProvider time)
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);
    private const int SweepAbove = 10_000;

    private readonly ConcurrentDictionary<(string User, string Address), Queue<DateTimeOffset>> _failures = new();

    /// <summary>How long the caller must wait, or null when an attempt is allowed.</summary>
    public TimeSpan? RetryAfter(string user, string address)
    {
        if (!_failures.TryGetValue(Key(user, address), out var queue)) return null;
        var now = time.GetUtcNow();
        lock (queue)
        {
            Trim(queue, now);
            return queue.Count >= MaxFailures ? queue.Peek() + Window - now : null;
        }
    }

    public void Failed(string user, string address)
    {
        var now = time.GetUtcNow();
        if (_failures.Count > SweepAbove) Sweep(now);
        var queue = _failures.GetOrAdd(Key(user, address), _ => new Queue<DateTimeOffset>());
        lock (queue)
        {
            Trim(queue, now);
            queue.Enqueue(now);
        }
    }

    public void Succeeded(string user, string address) => _failures.TryRemove(Key(user, address), out _);

    private static (string, string) Key(string user, string address) => (user.ToUpperInvariant(), address);

    private static void Trim(Queue<DateTimeOffset> queue, DateTimeOffset now)
    {
        while (queue.Count > 0 && queue.Peek() + Window <= now) queue.Dequeue();
    }

    /// <summary>Bounds memory under a spray of distinct names: drop entries with no failure left in the window.</summary>
    private void Sweep(DateTimeOffset now)
    {
        foreach (var (key, queue) in _failures)
        {
            lock (queue)
            {
                Trim(queue, now);
                if (queue.Count == 0) _failures.TryRemove(key, out _);
            }
        }
    }
}
