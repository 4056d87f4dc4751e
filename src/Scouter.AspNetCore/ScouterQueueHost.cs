using System.Collections.Frozen;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Scouter.Client;

namespace Scouter.AspNetCore;

/// <summary>
/// Builds the application's <see cref="ScouterQueue"/> when the host starts (downloading profiles
/// from the server) and shuts it down, flushing, when the host stops. Registered once as a singleton
/// and forwarded as <see cref="IHostedService"/>.
/// </summary>
internal sealed class ScouterQueueHost(ScouterQueueBuilder builder, IServiceProvider services) : IHostedService
{
    private readonly ILoggerFactory _loggerFactory = services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
    private readonly ILogger _logger = (services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger("Scouter.AspNetCore.ScouterQueueHost");
    private static readonly Meter s_meter = new("Scouter.AspNetCore");
    private static readonly Counter<long> s_ignored = s_meter.CreateCounter<long>("scouter.aspnetcore.data_ignored", description: "Scouter data set on a request but not inserted, by reason");
    private ScouterQueue? _queue;
    private FrozenDictionary<string, ProfileQueue> _byAlias = FrozenDictionary<string, ProfileQueue>.Empty;
    private ScouterQueueOptions? _options;
    private long _unknownAlias;
    private long _insertFailures;
    private long _notRunning;
    private int _unknownLogged;
    private int _failureLogged;
    private int _notRunningLogged;

    /// <summary>The queue, once the host has started.</summary>
    public ScouterQueue Queue => Volatile.Read(ref _queue) ?? throw new InvalidOperationException(
        "The ScouterQueue is built when the host starts (profiles may be downloaded then); resolve it from a request handler or after IHost.StartAsync, not during start-up.");

    public long UnknownAliasCount => Interlocked.Read(ref _unknownAlias);

    public long InsertFailureCount => Interlocked.Read(ref _insertFailures);

    public long NotRunningCount => Interlocked.Read(ref _notRunning);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_queue is not null) return;
        if (builder.Profiles.Count == 0)
        {
            throw new InvalidOperationException("AddScouterQueue: no profiles were added; call AddProfile(alias, ...) at least once.");
        }
        var transportFactory = builder.TransportFactory ?? throw new InvalidOperationException(
            "AddScouterQueue: no transport was configured; call UseHttp(), UseTransport(...) or a transport package's Use* method.");

        var profiles = await LoadProfilesAsync(cancellationToken);
        var options = new ScouterQueueOptions
        {
            TimeProvider = services.GetService<TimeProvider>() ?? TimeProvider.System,
            LoggerFactory = _loggerFactory,
        };
        foreach (var configure in builder.OptionActions) configure(options);

        var transport = transportFactory(services) ?? throw new InvalidOperationException("AddScouterQueue: the transport factory returned null.");
        ScouterQueue queue;
        try
        {
            queue = ScouterQueue.FromProfiles(profiles, transport, options);
        }
        catch
        {
            await transport.DisposeAsync();
            throw;
        }
        _options = options;
        _byAlias = profiles.Keys.ToFrozenDictionary(a => a, a => queue[a], StringComparer.Ordinal);
        Volatile.Write(ref _queue, queue);
        Log.QueueStarted(_logger, string.Join(", ", profiles.Keys), transport.Name);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var queue = Volatile.Read(ref _queue);
        if (queue is null) return;
        // Graceful: ShutdownAsync flushes and waits up to ShutdownTimeout; the host's token only stops the waiting.
        await queue.ShutdownAsync(_options!.ShutdownTimeout).WaitAsync(cancellationToken);
    }

    internal bool TryGetProfileQueue(string alias, out ProfileQueue? queue)
    {
        queue = null;
        if (Volatile.Read(ref _queue) is null)
        {
            Interlocked.Increment(ref _notRunning);
            s_ignored.Add(1, new KeyValuePair<string, object?>("reason", "not_running"));
            if (Interlocked.Exchange(ref _notRunningLogged, 1) == 0) Log.QueueNotRunning(_logger);
            return false;
        }
        if (_byAlias.TryGetValue(alias, out queue)) return true;
        Interlocked.Increment(ref _unknownAlias);
        s_ignored.Add(1, new KeyValuePair<string, object?>("reason", "unknown_alias"));
        if (Interlocked.Exchange(ref _unknownLogged, 1) == 0) Log.UnknownAlias(_logger, alias, string.Join(", ", _byAlias.Keys));
        return false;
    }

    internal void ReportInsertFailure(string alias, Exception exception)
    {
        Interlocked.Increment(ref _insertFailures);
        s_ignored.Add(1, new KeyValuePair<string, object?>("reason", "insert_failed"));
        if (Interlocked.Exchange(ref _failureLogged, 1) == 0) Log.InsertFailed(_logger, exception, alias);
    }

    private async Task<Dictionary<string, DriftProfile>> LoadProfilesAsync(CancellationToken cancellationToken)
    {
        var profiles = new Dictionary<string, DriftProfile>(StringComparer.Ordinal);
        ScouterClient? client = null;
        try
        {
            foreach (var source in builder.Profiles)
            {
                if (source.Profile is { } profile)
                {
                    profiles[source.Alias] = profile;
                }
                else if (source.Path is { } path)
                {
                    profiles[source.Alias] = DriftProfile.Load(path);
                }
                else
                {
                    client ??= CreateClient();
                    profiles[source.Alias] = await DownloadAsync(client, source.Alias, source.Request!, cancellationToken);
                }
            }
        }
        finally
        {
            if (client is not null) await client.DisposeAsync();
        }
        return profiles;
    }

    private ScouterClient CreateClient()
    {
        var o = builder.ClientOptions;
        return new ScouterClient(new ScouterClientOptions
        {
            ServerUri = o.ServerUri,
            ApiKey = o.ApiKey,
            Username = o.Username,
            Password = o.Password,
            Timeout = o.Timeout,
            TimeProvider = o.TimeProvider ?? services.GetService<TimeProvider>(),
        });
    }

    private async Task<DriftProfile> DownloadAsync(ScouterClient client, string alias, GetProfileRequest request, CancellationToken cancellationToken)
    {
        var what = $"'{alias}' ({request.DriftType} profile {request.Space}/{request.Name} version {request.Version}) from {client.BaseAddress}";
        try
        {
            var matches = await client.ListProfilesAsync(new ProfileFilter
            {
                Space = request.Space,
                Name = request.Name,
                Version = request.Version,
                DriftType = request.DriftType,
            }, cancellationToken);
            if (matches.Count == 0)
            {
                throw new InvalidOperationException($"Scouter could not download profile {what}: no such profile is registered.");
            }
            var profile = await client.GetProfileAsync(matches[0].Uid, cancellationToken);
            Log.ProfileDownloaded(_logger, alias, request.Space, request.Name, request.Version, matches[0].Uid);
            return profile;
        }
        catch (ScouterApiException ex)
        {
            throw new InvalidOperationException($"Scouter could not download profile {what}: {ex.Message}", ex);
        }
    }
}
