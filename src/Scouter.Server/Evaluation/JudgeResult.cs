namespace Scouter.Server.Evaluation;

/// <summary>The judge's answer (<see cref="Reply"/>) or why there is none (<see cref="Failure"/>); exactly one is set.</summary>
internal sealed record JudgeResult(JudgeReply? Reply, JudgeFailure? Failure)
{
    public static JudgeResult Answered(JudgeReply reply) => new(reply, null);

    public static JudgeResult Failed(JudgeFailure failure) => new(null, failure);
}

/// <summary>The answer text as the judge wrote it (not yet parsed), the tokens it reports and the model that answered.</summary>
internal sealed record JudgeReply(string Text, long? InputTokens, long? OutputTokens, string Model);

/// <summary>How the worker reacts to a failed judge call.</summary>
internal enum JudgeFailureKind
{
    /// <summary>Worth another attempt after a backoff: 408, 429, 5xx, other 400s, timeout, connection failure, oversized or malformed answer.</summary>
    Transient,

    /// <summary>
    /// No attempt can succeed until an operator acts: 401, 403, 404, a 400 naming an unknown model or a
    /// rejected response format, no endpoint configured. Judging pauses without spending attempts.
    /// </summary>
    Configuration,
}

/// <summary>
/// A failed judge call. <see cref="Reason"/> is short and fixed in shape (<c>judge: http 429</c>,
/// <c>judge: timeout after 60 s</c>) and never holds answer text; <see cref="Status"/> is the HTTP status
/// when one was received; <see cref="RetryAfter"/> is the server's <c>Retry-After</c>, when it sent one.
/// </summary>
internal sealed record JudgeFailure(JudgeFailureKind Kind, string Reason, int? Status, TimeSpan? RetryAfter);
