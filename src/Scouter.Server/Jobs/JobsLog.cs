namespace Scouter.Server.Jobs;

/// <summary>Log messages of drift jobs (event ids 500-549) and alert dispatch (550-599).</summary>
internal static partial class JobsLog
{
    [LoggerMessage(EventId = 500, Level = LogLevel.Information,
        Message = "Drift check {Uid} ({DriftType}, {Trigger}) window ({WindowStart}, {WindowEnd}]: {AlertCount} alert(s), {Opened} opened, {Resolved} resolved, status {Status}; {Inputs}")]
    public static partial void CheckCompleted(ILogger logger, Guid uid, string driftType, string trigger, string? windowStart, string windowEnd, int alertCount,
        int opened, int resolved, string status, string inputs);

    [LoggerMessage(EventId = 501, Level = LogLevel.Warning, Message = "Drift check {Uid} slot {Slot}: lease lost to another runner; result discarded")]
    public static partial void LeaseLost(ILogger logger, Guid uid, string slot);

    [LoggerMessage(EventId = 502, Level = LogLevel.Information, Message = "Drift check {Uid} slot {Slot} was already done; lease released")]
    public static partial void DuplicateSlot(ILogger logger, Guid uid, string slot);

    [LoggerMessage(EventId = 503, Level = LogLevel.Error, Message = "Drift check {Uid} failed; retrying at {RetryAt}")]
    public static partial void CheckFailed(ILogger logger, Exception exception, Guid uid, string retryAt);

    [LoggerMessage(EventId = 504, Level = LogLevel.Error, Message = "Job runner poll failed")]
    public static partial void PollFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 505, Level = LogLevel.Information, Message = "Job runner {Owner} started: {Workers} worker(s), poll every {Poll}, lease {Lease}")]
    public static partial void RunnerStarted(ILogger logger, string owner, int workers, TimeSpan poll, TimeSpan lease);

    [LoggerMessage(EventId = 550, Level = LogLevel.Warning, Message = "Alert alert_id={AlertId} {Event}: {Severity} {Kind} zone={Zone} on '{Subject}' of {Space}/{Name}@{Version} ({Uid}): {Payload}")]
    public static partial void ConsoleAlert(ILogger logger, long alertId, string @event, string severity, string kind, int? zone, string subject, string space, string name,
        string version, Guid uid, string payload);

    [LoggerMessage(EventId = 551, Level = LogLevel.Warning, Message = "Dispatch channel {Channel} is not configured ({Missing} unset): profiles that use it fall back to console")]
    public static partial void ChannelNotConfigured(ILogger logger, string channel, string missing);

    [LoggerMessage(EventId = 552, Level = LogLevel.Warning, Message = "Alert {AlertId} {Event} notice failed (attempt {Attempt}); retrying at {RetryAt}: {Error}")]
    public static partial void NoticeRetry(ILogger logger, long alertId, string @event, int attempt, string retryAt, string error);

    [LoggerMessage(EventId = 553, Level = LogLevel.Error, Message = "Alert {AlertId} {Event} notice failed {Attempt} times; giving up: {Error}")]
    public static partial void NoticeGaveUp(ILogger logger, long alertId, string @event, int attempt, string error);

    [LoggerMessage(EventId = 554, Level = LogLevel.Error, Message = "Alert dispatch poll failed")]
    public static partial void DispatchPollFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 555, Level = LogLevel.Information, Message = "Alert {AlertId} {Event} notice delivered via {Channels}")]
    public static partial void NoticeDelivered(ILogger logger, long alertId, string @event, string channels);

    [LoggerMessage(EventId = 556, Level = LogLevel.Error, Message = "Alert {AlertId} {Event} notice not sent, {Error}; not retried (see SCOUTER_ALERT_ALLOWED_HOSTS)")]
    public static partial void NoticeRefused(ILogger logger, long alertId, string @event, string error);
}
