using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Scouter.Client;
using Scouter.Resilience;

namespace Scouter.Hosting;

/// <summary>
/// Builds the application's <see cref="ScouterQueue"/> when the host starts and shuts it down,
/// flushing, when the host stops. Registered once as a singleton and forwarded as
/// <see cref="IHostedService"/>. Profiles given by <see cref="GetProfileRequest"/> are downloaded
/// at start-up (one attempt each, in parallel); one that fails comes from its cache file if it has
/// one, otherwise its alias starts pending and the download is retried in the background with
/// exponential, capped, jittered backoff until it succeeds or the host stops. The server being
/// unreachable never fails start-up.
/// </summary>
internal sealed class ScouterQueueHost(ScouterQueueBuilder builder, IServiceProvider services) : IHostedService, IDisposable
{
    /// <summary>Cap of the first background retry of a profile download; doubles per failure.</summary>
    internal static readonly TimeSpan RetryInitialBackoff = TimeSpan.FromSeconds(1);

    /// <summary>Largest cap of the background retry of a profile download.</summary>
    internal static readonly TimeSpan RetryMaxBackoff = TimeSpan.FromMinutes(1);

    private readonly ILoggerFactory _loggerFactory = services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
    private readonly ILogger _logger = (services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger("Scouter.Hosting.ScouterQueueHost");
    private readonly CancellationTokenSource _stopDownloads = new();
    private readonly List<Task> _downloads = [];
    private ScouterQueue? _queue;
    private FrozenDictionary<string, ProfileQueue> _byAlias = FrozenDictionary<string, ProfileQueue>.Empty;
    private ScouterQueueOptions? _options;
    private int _retryWaits;
    private int _disposed;

    /// <summary>The queue, once the host has started.</summary>
    public ScouterQueue Queue => Volatile.Read(ref _queue) ?? throw new InvalidOperationException(
        "The ScouterQueue is built when the host starts (profiles may be downloaded then); resolve it from a request handler or after IHost.StartAsync, not during start-up.");

    /// <summary>Whether the queue has been built (the host started) and not yet stopped.</summary>
    internal bool IsRunning => Volatile.Read(ref _queue) is not null;

    /// <summary>The aliases of the running queue's profiles.</summary>
    internal IEnumerable<string> Aliases => _byAlias.Keys;

    /// <summary>Background retry waits started so far (their timers exist): lets fake-time tests advance without racing the loop.</summary>
    internal int RetryWaits => Volatile.Read(ref _retryWaits);

    /// <summary>Completes when every background download has ended (profile attached, or the host stopped).</summary>
    internal Task BackgroundDownloads => Task.WhenAll(_downloads);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_queue is not null) return;
        if (builder.Profiles.Count == 0)
        {
            throw new InvalidOperationException("AddScouterQueue: no profiles were added; call AddProfile(alias, ...) at least once.");
        }
        var transportFactory = builder.TransportFactory ?? throw new InvalidOperationException(
            "AddScouterQueue: no transport was configured; call UseHttp(), UseTransport(...) or a transport package's Use* method.");

        var (profiles, pending) = await LoadProfilesAsync(cancellationToken);
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
            queue = ScouterQueue.FromProfiles(profiles, pending.ToDictionary(p => p.Alias, p => p.Request!.DriftType, StringComparer.Ordinal), transport, options);
        }
        catch
        {
            await transport.DisposeAsync();
            throw;
        }
        _options = options;
        _byAlias = queue.Aliases.ToFrozenDictionary(a => a, a => queue[a], StringComparer.Ordinal);
        Volatile.Write(ref _queue, queue);
        Log.QueueStarted(_logger, string.Join(", ", builder.Profiles.Select(p => p.Alias)), transport.Name);
        var stop = _stopDownloads.Token;
        for (var i = 0; i < pending.Count; i++)
        {
            var source = pending[i];
            var random = options.RandomSeed is { } seed ? new Random(unchecked(seed * 17 + i)) : new Random();
            _downloads.Add(Task.Run(() => RetryDownloadAsync(source, queue, options.TimeProvider, random, stop), CancellationToken.None));
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var queue = Volatile.Read(ref _queue);
        if (queue is null) return;
        await _stopDownloads.CancelAsync();
        await BackgroundDownloads.WaitAsync(cancellationToken);
        // Graceful: ShutdownAsync flushes and waits up to ShutdownTimeout; the host's token only stops the waiting.
        await queue.ShutdownAsync(_options!.ShutdownTimeout).WaitAsync(cancellationToken);
    }

    /// <summary>Stops background downloads that a non-graceful stop left running. Idempotent (the container may dispose it once per registration).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _stopDownloads.Cancel();
        _stopDownloads.Dispose();
    }

    /// <summary>The running queue's queue for <paramref name="alias"/>.</summary>
    internal bool TryGetProfileQueue(string alias, [NotNullWhen(true)] out ProfileQueue? queue) => _byAlias.TryGetValue(alias, out queue);

    /// <summary>The profiles known at start-up, and the download sources whose profile is still pending.</summary>
    private async Task<(Dictionary<string, DriftProfile> Known, List<ProfileSource> Pending)> LoadProfilesAsync(CancellationToken cancellationToken)
    {
        var profiles = new Dictionary<string, DriftProfile>(StringComparer.Ordinal);
        var downloads = new List<ProfileSource>();
        foreach (var source in builder.Profiles)
        {
            if (source.Profile is { } profile) profiles[source.Alias] = profile;
            else if (source.Path is { } path) profiles[source.Alias] = DriftProfile.Load(path);
            else downloads.Add(source);
        }
        var pending = new List<ProfileSource>();
        if (downloads.Count == 0) return (profiles, pending);

        var client = CreateClient();
        await using (client)
        {
            var results = await Task.WhenAll(downloads.Select(source => TryDownloadAsync(client, source, cancellationToken)));
            for (var i = 0; i < downloads.Count; i++)
            {
                var source = downloads[i];
                var (downloaded, error) = results[i];
                if (downloaded is not null)
                {
                    WriteCache(source, downloaded);
                    profiles[source.Alias] = downloaded;
                }
                else if (TryReadCache(source, error!) is { } cached)
                {
                    profiles[source.Alias] = cached;
                }
                else
                {
                    Log.ProfilePendingRetrying(_logger, source.Alias, error!);
                    pending.Add(source);
                }
            }
        }
        return (profiles, pending);
    }

    private async Task RetryDownloadAsync(ProfileSource source, ScouterQueue queue, TimeProvider time, Random random, CancellationToken stop)
    {
        var backoff = new Backoff(RetryInitialBackoff, RetryMaxBackoff, random);
        var client = CreateClient();
        await using (client)
        {
            for (var attempt = 1; ; attempt++)
            {
                var delay = backoff.Delay(attempt);
                Interlocked.Increment(ref _retryWaits);
                try
                {
                    await Task.Delay(delay, time, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                var (profile, error) = await TryDownloadAsync(client, source, stop);
                if (profile is null)
                {
                    if (stop.IsCancellationRequested) return;
                    Log.ProfileDownloadRetryFailed(_logger, source.Alias, attempt, error!);
                    continue;
                }
                WriteCache(source, profile);
                queue.TrySetProfile(source.Alias, profile);
                return;
            }
        }
    }

    /// <summary>One download attempt: the profile, or null and the error message.</summary>
    private async Task<(DriftProfile? Profile, string? Error)> TryDownloadAsync(ScouterClient client, ProfileSource source, CancellationToken cancellationToken)
    {
        try
        {
            return (await DownloadAsync(client, source.Alias, source.Request!, cancellationToken), null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            if (_stopDownloads.IsCancellationRequested) return (null, "the host is stopping");
            throw;
        }
#pragma warning disable CA1031 // whatever the download's failure, the app must start; the error is logged and retried
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return (null, ex.Message);
        }
    }

    /// <summary>The cached copy of <paramref name="source"/>'s profile, after a failed download; null when there is none or it is unusable (logged).</summary>
    private DriftProfile? TryReadCache(ProfileSource source, string downloadError)
    {
        if (source.CachePath is not { } path || !File.Exists(path)) return null;
        DriftProfile cached;
        try
        {
            cached = DriftProfile.Load(path);
        }
#pragma warning disable CA1031 // an unreadable cache is reported and the download retried instead
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.CacheUnusable(_logger, source.Alias, path, ex.Message);
            return null;
        }
        var request = source.Request!;
        var config = cached.Config;
        if (cached.DriftType != request.DriftType || config.Space != request.Space || config.Name != request.Name || config.Version != request.Version)
        {
            Log.CacheUnusable(_logger, source.Alias, path,
                $"it holds the {cached.DriftType} profile {config.Space}/{config.Name} version {config.Version}, not {request.DriftType} {request.Space}/{request.Name} version {request.Version}");
            return null;
        }
        Log.ProfileFromCache(_logger, source.Alias, path, config.Uid, downloadError);
        return cached;
    }

    private void WriteCache(ProfileSource source, DriftProfile profile)
    {
        if (source.CachePath is not { } path) return;
        try
        {
            profile.Save(path); // temp file, then rename: a reader never sees half a profile
        }
#pragma warning disable CA1031 // a cache that cannot be written must not stop monitoring
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.CacheWriteFailed(_logger, ex, source.Alias, path);
        }
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
            if (profile.DriftType != request.DriftType)
            {
                throw new InvalidOperationException($"Scouter could not download profile {what}: the server returned a {profile.DriftType} profile.");
            }
            Log.ProfileDownloaded(_logger, alias, request.Space, request.Name, request.Version, matches[0].Uid);
            return profile;
        }
        catch (ScouterApiException ex)
        {
            throw new InvalidOperationException($"Scouter could not download profile {what}: {ex.Message}", ex);
        }
    }
}
