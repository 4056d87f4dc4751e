namespace Scouter.Server.Evaluation;

/// <summary>Log messages of LLM evaluation (event ids 700-749). Rendered prompts are logged at Debug only: they may hold personal data.</summary>
internal static partial class EvaluationLog
{
    [LoggerMessage(EventId = 700, Level = LogLevel.Warning,
        Message = "LLM judging paused: {Reason}. Records stay pending (no attempt spent); one call will test the judge every {Pause}")]
    public static partial void JudgingPaused(ILogger logger, string reason, TimeSpan pause);

    [LoggerMessage(EventId = 701, Level = LogLevel.Information, Message = "LLM judging resumed (was paused: {Reason})")]
    public static partial void JudgingResumed(ILogger logger, string reason);

    [LoggerMessage(EventId = 702, Level = LogLevel.Information, Message = "LLM record {RecordId} of {Uid} failed after {Attempts} attempt(s): {Error}")]
    public static partial void RecordFailed(ILogger logger, Guid recordId, Guid uid, int attempts, string error);

    [LoggerMessage(EventId = 703, Level = LogLevel.Information, Message = "LLM record {RecordId} of {Uid}: attempt {Attempts} failed ({Error}); next attempt at {RetryAt}")]
    public static partial void RetryScheduled(ILogger logger, Guid recordId, Guid uid, int attempts, string error, DateTimeOffset retryAt);

    [LoggerMessage(EventId = 704, Level = LogLevel.Debug, Message = "LLM record {RecordId} metric {Metric}: rendered prompt {Prompt}")]
    public static partial void PromptRendered(ILogger logger, Guid recordId, string metric, string prompt);

    [LoggerMessage(EventId = 705, Level = LogLevel.Error, Message = "LLM evaluation round failed; trying again after the poll interval")]
    public static partial void RoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 706, Level = LogLevel.Warning, Message = "LLM record {RecordId} of {Uid}: lease lost to another worker; its result is not written")]
    public static partial void LeaseLost(ILogger logger, Guid recordId, Guid uid);

    [LoggerMessage(EventId = 707, Level = LogLevel.Information,
        Message = "LLM evaluation {Owner} started: {Concurrency} judge call(s) in flight, {PerMinute} per minute (0 = no limit), {MaxAttempts} attempt(s), lease {Lease}, judge {Judge}")]
    public static partial void WorkerStarted(ILogger logger, string owner, int concurrency, int perMinute, int maxAttempts, TimeSpan lease, string judge);
}
