using Microsoft.Extensions.Logging;

namespace Scouter.Client;

/// <summary>
/// Source-generated log messages of the client (event ids 1000-1099: queue and delivery). A line
/// that can repeat (a data error, a drop, a refusal) is written at most once per
/// <see cref="LogThrottle.Interval"/> per kind, with the count since the previous line.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Scouter queue '{Alias}': insert data error {Kind}: {Detail}. {Count} such errors since the last line; all are counted in Statistics.Errors, this line repeats at most every 5 minutes")]
    public static partial void InsertRejected(ILogger logger, string alias, string kind, string detail, long count);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Scouter queue: {Count} inserts dropped ({Reason}) since the last line; all are counted in Statistics.Dropped, this line repeats at most every 5 minutes")]
    public static partial void InsertDropped(ILogger logger, string reason, long count);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "Scouter queue '{Alias}': {Records} records refused by {Source} ({Code}), e.g. {Field}: {Detail}. {Count} records refused with this code since the last line; all are counted in Statistics.RejectedRecords, this line repeats at most every 5 minutes")]
    public static partial void RecordsRefused(ILogger logger, string alias, int records, string source, string code, string field, string detail, long count);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Error, Message = "Scouter queue '{Alias}': {Source} has no profile with uid {Uid}; {Count} records refused (unknown_profile) since the last line. The queue's profile file is not the registered one: register the profile with the server and load the profile the registration returns, e.g. (await client.RegisterProfileAsync(profile)).Save(path), then ScouterQueue.FromPath with that path. This line repeats at most every 5 minutes")]
    public static partial void UnknownProfile(ILogger logger, string alias, string source, Guid uid, long count);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "Scouter queue '{Alias}': insert dropped (profile_pending): the profile is not known yet (its download is being retried). Further such drops are counted in Statistics, not logged.")]
    public static partial void InsertDroppedProfilePending(ILogger logger, string alias);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Information, Message = "Scouter queue '{Alias}': profile available, inserts are aggregated from now on ({Dropped} inserts were dropped as profile_pending before)")]
    public static partial void ProfileAvailable(ILogger logger, string alias, long dropped);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Debug, Message = "Sending batch {BatchId} through {Transport} failed (attempt {Attempt}); retrying in {Delay}")]
    public static partial void RetryScheduled(ILogger logger, Exception exception, Guid batchId, string transport, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Error, Message = "Scouter queue '{Alias}': batch {BatchId} ({Records} records) refused by {Transport} ({Code}): {Reason}. Its records are not stored and are counted in Statistics.RejectedRecords; {Count} records refused for this code since the last line, this line repeats at most every 5 minutes")]
    public static partial void BatchRejected(ILogger logger, Exception exception, string alias, Guid batchId, int records, string transport, string code, string reason, long count);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Warning, Message = "Delivery buffer full ({Capacity} batches): oldest batch {BatchId} ({Records} records) dropped; {Count} batches dropped for a full buffer since the last line, this line repeats at most every 5 minutes")]
    public static partial void BatchDroppedBufferFull(ILogger logger, int capacity, Guid batchId, int records, long count);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Error, Message = "Scouter queue shut down with {Batches} batches ({Records} records) undelivered through {Transport}; they are lost")]
    public static partial void ShutdownUndelivered(ILogger logger, int batches, long records, string transport);

    [LoggerMessage(EventId = 1014, Level = LogLevel.Warning, Message = "Delivery through {Transport} is failing: {Error}. Batches are kept (up to {Capacity}) and retried with backoff; one line is written when delivery recovers")]
    public static partial void DeliveryFailing(ILogger logger, Exception exception, string transport, string error, int capacity);

    [LoggerMessage(EventId = 1015, Level = LogLevel.Information, Message = "Delivery through {Transport} recovered after {FailedAttempts} failed attempts over {Duration}; {Waiting} batches waiting")]
    public static partial void DeliveryRecovered(ILogger logger, string transport, int failedAttempts, TimeSpan duration, int waiting);

    [LoggerMessage(EventId = 1020, Level = LogLevel.Critical, Message = "Scouter queue worker failed; inserts are no longer aggregated")]
    public static partial void WorkerFailed(ILogger logger, Exception exception);
}
