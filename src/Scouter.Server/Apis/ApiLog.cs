namespace Scouter.Server.Apis;

/// <summary>REST API log messages (event ids 200–299).</summary>
internal static partial class ApiLog
{
    /// <summary>A client mistake the framework raised (e.g. a malformed route value): Debug only, so anonymous callers cannot flood the log.</summary>
    [LoggerMessage(EventId = 200, Level = LogLevel.Debug, Message = "Client error {Status} ({Code}) on {Method} {Path}: {Detail}")]
    public static partial void ClientError(ILogger logger, int status, string code, string method, string path, string detail);

    [LoggerMessage(EventId = 201, Level = LogLevel.Error, Message = "Unhandled error on {Method} {Path}")]
    public static partial void Unhandled(ILogger logger, Exception exception, string method, string path);
}
