namespace Scouter.Server.Evaluation;

/// <summary>
/// Asks the LLM judge one question: one HTTP request per call, never retried here (the evaluation
/// worker owns attempts, backoff and the circuit breaker).
/// </summary>
internal interface IJudge
{
    /// <summary>False when no judge endpoint is configured (<c>SCOUTER_LLM_ENDPOINT</c> unset) and no chat client was injected.</summary>
    bool IsConfigured { get; }

    /// <summary>
    /// Sends <paramref name="request"/> and returns the answer or a classified failure. Never throws,
    /// except <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    Task<JudgeResult> AskAsync(JudgeRequest request, CancellationToken cancellationToken);
}
