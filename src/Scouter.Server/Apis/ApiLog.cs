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

    /// <summary>A client mistake the framework raised (e.g. a malformed route value): Debug only, so anonymous callers cannot flood the log.</summary>
    [LoggerMessage(EventId = 603, Level = LogLevel.Debug, Message = "Client error {Status} ({Code}) on {Method} {Path}: {Detail}")]
    public static partial void ClientError(ILogger logger, int status, string code, string method, string path, string detail);
}
