using Microsoft.Extensions.Logging;

namespace Scouter.Hosting;

/// <summary>Source-generated log messages of the generic-host integration (event ids 1101-1109; the ASP.NET Core filter has 1110-1119).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Scouter queue started with profiles {Aliases} through {Transport}")]
    public static partial void QueueStarted(ILogger logger, string aliases, string transport);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "Scouter profile '{Alias}' downloaded: {Space}/{Name} version {Version} (uid {Uid})")]
    public static partial void ProfileDownloaded(ILogger logger, string alias, string space, string name, string version, Guid uid);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "Scouter profile '{Alias}' could not be downloaded; using the cached copy {Path} (uid {Uid}) instead. Server error: {Error}")]
    public static partial void ProfileFromCache(ILogger logger, string alias, string path, Guid uid, string error);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Warning, Message = "Scouter profile '{Alias}' could not be downloaded: {Error}. Retrying in the background; until then inserts for '{Alias}' are counted as dropped (profile_pending).")]
    public static partial void ProfilePendingRetrying(ILogger logger, string alias, string error);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Debug, Message = "Scouter profile '{Alias}': download retry {Attempt} failed: {Error}")]
    public static partial void ProfileDownloadRetryFailed(ILogger logger, string alias, int attempt, string error);

    [LoggerMessage(EventId = 1106, Level = LogLevel.Warning, Message = "Scouter profile '{Alias}': the cached copy {Path} cannot be used: {Error}")]
    public static partial void CacheUnusable(ILogger logger, string alias, string path, string error);

    [LoggerMessage(EventId = 1107, Level = LogLevel.Warning, Message = "Scouter profile '{Alias}': the cached copy {Path} could not be written")]
    public static partial void CacheWriteFailed(ILogger logger, Exception exception, string alias, string path);
}
