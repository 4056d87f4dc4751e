using Microsoft.Extensions.Logging;

namespace Scouter.Client;

/// <summary>Source-generated log messages of the client (event ids 1000-1099: queue and delivery).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Scouter queue '{Alias}': insert not aggregated ({Kind}): {Detail}. Further '{Kind}' errors are counted in Statistics, not logged.")]
    public static partial void InsertRejected(ILogger logger, string alias, string kind, string detail);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Scouter queue: insert dropped ({Reason}). Further drops for this reason are counted in Statistics, not logged.")]
    public static partial void InsertDropped(ILogger logger, string reason);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Scouter queue '{Alias}': insert dropped (profile_pending): the profile is not known yet (its download is being retried). Further such drops are counted in Statistics, not logged.")]
    public static partial void InsertDroppedProfilePending(ILogger logger, string alias);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Scouter queue '{Alias}': profile available, inserts are aggregated from now on ({Dropped} inserts were dropped as profile_pending before)")]
    public static partial void ProfileAvailable(ILogger logger, string alias, long dropped);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Debug, Message = "Sending batch {BatchId} through {Transport} failed (attempt {Attempt}); retrying in {Delay}")]
    public static partial void RetryScheduled(ILogger logger, Exception exception, Guid batchId, string transport, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Error, Message = "Batch {BatchId} ({Records} records) rejected by {Transport}; dropped")]
    public static partial void BatchRejected(ILogger logger, Exception exception, Guid batchId, int records, string transport);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Warning, Message = "Delivery buffer full ({Capacity} batches): oldest batch {BatchId} ({Records} records) dropped")]
    public static partial void BatchDroppedBufferFull(ILogger logger, int capacity, Guid batchId, int records);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Error, Message = "Scouter queue shut down with {Batches} batches ({Records} records) undelivered through {Transport}; they are lost")]
    public static partial void ShutdownUndelivered(ILogger logger, int batches, long records, string transport);

    [LoggerMessage(EventId = 1020, Level = LogLevel.Critical, Message = "Scouter queue worker failed; inserts are no longer aggregated")]
    public static partial void WorkerFailed(ILogger logger, Exception exception);
}
