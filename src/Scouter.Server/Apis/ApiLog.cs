namespace Scouter.Server.Apis;

/// <summary>API log messages (event ids 600–699).</summary>
internal static partial class ApiLog
{
    [LoggerMessage(EventId = 600, Level = LogLevel.Error, Message = "Unhandled error on {Method} {Path}")]
    public static partial void Unhandled(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(EventId = 601, Level = LogLevel.Warning, Message = "Storage unavailable on {Method} {Path}; answered 503")]
    public static partial void StorageUnavailable(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(EventId = 602, Level = LogLevel.Warning, Message = "Readiness check failed: the database does not answer")]
    public static partial void NotReady(ILogger logger, Exception exception);
}
