namespace Scouter.Server.Evaluation;

/// <summary>
/// How the server evaluates LLM records (docs/llm-judge.md "Evaluation settings"): judge calls in flight,
/// an optional rate limit, attempts, the record lease and the pause after a configuration failure.
/// </summary>
public sealed class EvaluationOptions
{
    /// <summary>Judge calls in flight per replica (<c>SCOUTER_LLM_CONCURRENCY</c>, default 4).</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>Judge calls started per rolling minute per replica; 0 means no limit (<c>SCOUTER_LLM_REQUESTS_PER_MINUTE</c>, default 0).</summary>
    public int RequestsPerMinute { get; set; }

    /// <summary>Attempts a record gets before it is <c>failed</c> (<c>SCOUTER_LLM_MAX_ATTEMPTS</c>, default 3).</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>How long a claimed record stays with one replica before another may take it over (<c>SCOUTER_LLM_LEASE</c>, default 5 min).</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often an idle worker looks for pending records (<c>SCOUTER_LLM_POLL_INTERVAL</c>, default 2 s).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long judging pauses after an authentication or configuration failure before one probe call
    /// (<c>SCOUTER_LLM_PAUSE</c>, default 60 s).
    /// </summary>
    public TimeSpan Pause { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Records claimed at once (default 32).</summary>
    public int ClaimBatch { get; set; } = 32;

    /// <summary>
    /// Share of a check window's records that failed evaluation above which the check raises an
    /// <c>evaluation_failures</c> alert (<c>SCOUTER_LLM_FAILURE_RATE</c>, default 0.5).
    /// </summary>
    public double FailureRate { get; set; } = 0.5;

    /// <summary>Delay cap of the first retry (5 s); doubles per attempt up to <see cref="RetryMax"/>.</summary>
    public TimeSpan RetryInitial { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Largest delay between attempts (5 min).</summary>
    public TimeSpan RetryMax { get; set; } = TimeSpan.FromMinutes(5);
}
