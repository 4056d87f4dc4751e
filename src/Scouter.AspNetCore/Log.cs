using Microsoft.Extensions.Logging;

namespace Scouter.AspNetCore;

/// <summary>Source-generated log messages of the ASP.NET Core endpoint filter (event ids 1110-1119; the hosted queue has 1101-1109).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1110, Level = LogLevel.Warning, Message = "Scouter data set for unknown alias '{Alias}' (known: {Known}); ignored. Further unknown aliases are counted, not logged.")]
    public static partial void UnknownAlias(ILogger logger, string alias, string known);

    [LoggerMessage(EventId = 1111, Level = LogLevel.Warning, Message = "Scouter data for alias '{Alias}' could not be inserted; ignored. Further failures are counted, not logged.")]
    public static partial void InsertFailed(ILogger logger, Exception exception, string alias);

    [LoggerMessage(EventId = 1112, Level = LogLevel.Warning, Message = "Scouter data set before the Scouter queue was started (or after it stopped); ignored. Further cases are counted, not logged.")]
    public static partial void QueueNotRunning(ILogger logger);
}
