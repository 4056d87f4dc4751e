using Scouter.Api;

namespace Scouter.Server.Evaluation;

/// <summary>
/// The circuit breaker of judging. An authentication or configuration failure (401, 403, 404, no
/// endpoint) pauses every judge call for <see cref="EvaluationOptions.Pause"/> without spending the
/// records' attempts; then one probe call is let through: success resumes, another such failure pauses
/// again. The first pause logs one warning; the state is a gauge and part of the LLM query API.
/// </summary>
internal sealed class JudgeBreaker(EvaluationOptions options, TimeProvider time, ILogger<JudgeBreaker> logger)
{
    private readonly Lock _lock = new();
    private string? _reason;
    private DateTimeOffset _since;
    private DateTimeOffset _nextProbe;
    private bool _probing;

    /// <summary>Whether judging is paused now.</summary>
    public bool IsPaused
    {
        get { lock (_lock) return _reason is not null; }
    }

    /// <summary>When paused, the time a deferred record should be looked at again.</summary>
    public DateTimeOffset ResumeCheckAt
    {
        get { lock (_lock) return _reason is null ? time.GetUtcNow() : _nextProbe; }
    }

    /// <summary>
    /// Whether a judge call may be made now. While paused, false — except once per pause period, when
    /// the caller becomes the probe and must report its outcome through <see cref="Succeeded"/> or <see cref="Trip"/>.
    /// </summary>
    public bool TryEnter()
    {
        lock (_lock)
        {
            if (_reason is null) return true;
            if (_probing || time.GetUtcNow() < _nextProbe) return false;
            _probing = true;
            return true;
        }
    }

    /// <summary>A judge call got an answer: judging runs (again).</summary>
    public void Succeeded()
    {
        string? was;
        lock (_lock)
        {
            was = _reason;
            _reason = null;
            _probing = false;
        }
        if (was is not null) EvaluationLog.JudgingResumed(logger, was);
    }

    /// <summary>A call failed for a reason no retry can fix: pause judging.</summary>
    public void Trip(string reason)
    {
        bool first;
        lock (_lock)
        {
            first = _reason is null;
            var now = time.GetUtcNow();
            if (first) _since = now;
            _reason = reason;
            _nextProbe = now + options.Pause;
            _probing = false;
        }
        if (first) EvaluationLog.JudgingPaused(logger, reason, options.Pause);
    }

    /// <summary>The state for the API; <paramref name="configured"/> false reports <c>not_configured</c>.</summary>
    public JudgeState State(bool configured)
    {
        if (!configured) return new JudgeState("not_configured", "no judge endpoint configured (SCOUTER_LLM_ENDPOINT)", null, null);
        lock (_lock)
        {
            return _reason is null ? new JudgeState("running", null, null, null) : new JudgeState("paused", _reason, _since, _nextProbe);
        }
    }
}
