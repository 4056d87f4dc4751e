using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Scouter.Client;
using Scouter.Hosting;

namespace Scouter.AspNetCore;

/// <summary>
/// Finds the profile queue for data a request attached, and accounts for data that could not be
/// inserted (queue not running, unknown alias, insert failed): each reason is logged once and
/// counted (meter <c>Scouter.AspNetCore</c>), so a misconfigured endpoint never floods the log.
/// One per hosted queue.
/// </summary>
internal sealed class ScouterDataRouter
{
    private static readonly ConditionalWeakTable<ScouterQueueHost, ScouterDataRouter> s_routers = [];
    private static readonly Meter s_meter = new("Scouter.AspNetCore");
    private static readonly Counter<long> s_ignored = s_meter.CreateCounter<long>("scouter.aspnetcore.data_ignored", description: "Scouter data set on a request but not inserted, by reason");

    private readonly ScouterQueueHost _host;
    private readonly ILogger _logger;
    private long _unknownAlias;
    private long _insertFailures;
    private long _notRunning;
    private int _unknownLogged;
    private int _failureLogged;
    private int _notRunningLogged;

    private ScouterDataRouter(ScouterQueueHost host, ILogger logger)
    {
        _host = host;
        _logger = logger;
    }

    /// <summary>The router of <paramref name="host"/>, created on first use.</summary>
    public static ScouterDataRouter For(ScouterQueueHost host, IServiceProvider services) =>
        s_routers.GetValue(host, h => new ScouterDataRouter(h,
            (services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger("Scouter.AspNetCore.ScouterEndpointFilter")));

    public long UnknownAliasCount => Interlocked.Read(ref _unknownAlias);

    public long InsertFailureCount => Interlocked.Read(ref _insertFailures);

    public long NotRunningCount => Interlocked.Read(ref _notRunning);

    public bool TryGetProfileQueue(string alias, out ProfileQueue? queue)
    {
        queue = null;
        if (!_host.IsRunning)
        {
            Interlocked.Increment(ref _notRunning);
            s_ignored.Add(1, new KeyValuePair<string, object?>("reason", "not_running"));
            if (Interlocked.Exchange(ref _notRunningLogged, 1) == 0) Log.QueueNotRunning(_logger);
            return false;
        }
        if (_host.TryGetProfileQueue(alias, out queue)) return true;
        Interlocked.Increment(ref _unknownAlias);
        s_ignored.Add(1, new KeyValuePair<string, object?>("reason", "unknown_alias"));
        if (Interlocked.Exchange(ref _unknownLogged, 1) == 0) Log.UnknownAlias(_logger, alias, string.Join(", ", _host.Aliases));
        return false;
    }

    public void ReportInsertFailure(string alias, Exception exception)
    {
        Interlocked.Increment(ref _insertFailures);
        s_ignored.Add(1, new KeyValuePair<string, object?>("reason", "insert_failed"));
        if (Interlocked.Exchange(ref _failureLogged, 1) == 0) Log.InsertFailed(_logger, exception, alias);
    }
}
