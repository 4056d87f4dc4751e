namespace Scouter.Resilience;

/// <summary>
/// Turns a stream of failed and successful attempts to reach one dependency (a broker) into outages, so that a
/// caller logs one line when an outage starts and one when it ends instead of one per attempt. Thread-safe:
/// several loops of one consumer may report to the same instance.
/// </summary>
internal sealed class Outage
{
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private DateTimeOffset? _since;
    private int _failures;

    /// <summary>Creates the tracker, with no outage under way.</summary>
    /// <param name="timeProvider">Clock of the start and duration. Default: <see cref="TimeProvider.System"/>.</param>
    public Outage(TimeProvider? timeProvider = null) => _time = timeProvider ?? TimeProvider.System;

    /// <summary>When the outage under way started; null when there is none.</summary>
    public DateTimeOffset? Since
    {
        get
        {
            lock (_lock) return _since;
        }
    }

    /// <summary>
    /// Records a failed attempt. Returns true for the first failure of an outage (the caller logs that the
    /// outage started, at <paramref name="since"/>); false while one is already under way.
    /// </summary>
    /// <param name="since">When the outage under way started.</param>
    /// <param name="failures">Failed attempts in this outage, this one included.</param>
    public bool Failed(out DateTimeOffset since, out int failures)
    {
        lock (_lock)
        {
            var started = _since is null;
            _since ??= _time.GetUtcNow();
            since = _since.Value;
            failures = ++_failures;
            return started;
        }
    }

    /// <summary>
    /// Records a successful attempt. Returns true when it ends an outage (the caller logs that the dependency is
    /// back), with its <paramref name="duration"/> and <paramref name="failures"/>; false when none was under way.
    /// </summary>
    public bool Succeeded(out TimeSpan duration, out int failures)
    {
        lock (_lock)
        {
            if (_since is not { } since)
            {
                duration = TimeSpan.Zero;
                failures = 0;
                return false;
            }
            duration = _time.GetUtcNow() - since;
            failures = _failures;
            _since = null;
            _failures = 0;
            return true;
        }
    }
}
