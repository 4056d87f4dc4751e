using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Scouter.Client.Transports;
using Scouter.Records;
using Scouter.Resilience;

namespace Scouter.Client;

/// <summary>
/// Non-blocking, in-process aggregation and at-least-once delivery of monitoring records for one
/// or more profiles. Inserts go into a bounded single-reader channel; one background worker
/// aggregates them per drift type and cuts records, which are checked against the profile's
/// <see cref="RecordRules"/> (invalid ones are counted as rejected, not sent), split into batches
/// within <see cref="RecordLimits"/>, and sent by a delivery loop through the
/// <see cref="IRecordTransport"/> with retries and a bounded buffer. The queue owns the transport
/// and disposes it on shutdown.
/// </summary>
public sealed class ScouterQueue : IAsyncDisposable
{
    private readonly FrozenDictionary<string, ProfileQueue> _queues;
    private readonly IRecordTransport _transport;
    private readonly ScouterQueueOptions _options;
    private readonly TimeProvider _time;
    private readonly JsonNamingPolicy? _namingPolicy;
    private readonly ILogger _logger;
    private readonly QueueStats _stats = new();
    private readonly Channel<QueueItem> _channel;
    private readonly ConcurrentQueue<TaskCompletionSource?> _control = new(); // null = interval tick
    private readonly BatchDelivery _delivery;
    private readonly CancellationTokenSource _timerStop = new();
    private readonly PeriodicTimer _timer;
    private readonly Task _worker;
    private readonly Task _timerLoop;
    private readonly FrozenDictionary<string, InsertErrorReporter> _errors;
    private readonly LogThrottle[] _dropLogs;
    private readonly RecordRejections _rejections;
    private readonly Lock _shutdownLock = new();
    private int _closed;
    private Task? _shutdown;

    private ScouterQueue(IReadOnlyDictionary<string, DriftProfile> aliasToProfile, IReadOnlyDictionary<string, DriftType>? pending,
        IRecordTransport transport, ScouterQueueOptions? options)
    {
        ArgumentNullException.ThrowIfNull(aliasToProfile);
        ArgumentNullException.ThrowIfNull(transport);
        _options = options ?? new ScouterQueueOptions();
        _options.Validate();
        pending ??= FrozenDictionary<string, DriftType>.Empty;
        if (aliasToProfile.Count + pending.Count == 0) throw new ScouterConfigException("profiles", null, "a queue needs at least one profile");

        _transport = transport;
        _time = _options.TimeProvider;
        _namingPolicy = _options.FeatureNamingPolicy;
        _logger = _options.LoggerFactory.CreateLogger<ScouterQueue>();
        var seed = _options.RandomSeed;
        var queues = new Dictionary<string, ProfileQueue>(aliasToProfile.Count + pending.Count, StringComparer.Ordinal);
        var errors = new Dictionary<string, InsertErrorReporter>(aliasToProfile.Count + pending.Count, StringComparer.Ordinal);
        var i = 0;
        foreach (var (alias, profile) in aliasToProfile)
        {
            if (string.IsNullOrWhiteSpace(alias)) throw new ScouterConfigException("alias", alias, "must be non-empty");
            if (profile is null) throw new ScouterConfigException("profile", alias, "must not be null");
            errors[alias] = new InsertErrorReporter(alias, _stats, _logger, _time);
            queues[alias] = new ProfileQueue(this, alias, profile.DriftType, seed is { } s ? new Random(s + i++) : new Random());
        }
        foreach (var (alias, driftType) in pending)
        {
            if (string.IsNullOrWhiteSpace(alias)) throw new ScouterConfigException("alias", alias, "must be non-empty");
            if (!queues.TryAdd(alias, new ProfileQueue(this, alias, driftType, seed is { } s ? new Random(s + i++) : new Random())))
                throw new ScouterConfigException("alias", alias, "is given twice");
            errors[alias] = new InsertErrorReporter(alias, _stats, _logger, _time);
        }
        _queues = queues.ToFrozenDictionary(StringComparer.Ordinal);
        _errors = errors.ToFrozenDictionary(StringComparer.Ordinal);
        foreach (var (alias, profile) in aliasToProfile) _queues[alias].TryAttach(profile, CreateAggregator(alias));
        _dropLogs = [.. QueueStats.ReasonNames.Select(_ => new LogThrottle(_time))];
        _rejections = new RecordRejections(_stats, _logger, _time, AliasOf);
        // An in-memory transport checks records as the server would, against the profiles of the queues that use it.
        if (transport is InMemoryTransport memory) memory.AddProfiles(aliasToProfile.Values);

        _channel = Channel.CreateBounded<QueueItem>(new BoundedChannelOptions(_options.ChannelCapacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails fast instead of blocking
            AllowSynchronousContinuations = false,
        });
        var backoff = new Backoff(_options.InitialBackoff, _options.MaxBackoff, seed is { } js ? new Random(unchecked(js * 31 + 7)) : new Random());
        _delivery = new BatchDelivery(transport, _options.MaxBufferedBatches, _options.MaxConcurrentSends, backoff, _time, _stats, _logger, _rejections);
        // Created here, not on the timer task, so the first interval starts when the queue is built.
        _timer = new PeriodicTimer(_options.FlushInterval, _time);
        _worker = Task.Run(RunWorkerAsync);
        _timerLoop = Task.Run(RunTimerAsync);
    }

    /// <summary>Creates a queue for in-memory profiles, keyed by alias.</summary>
    /// <exception cref="ScouterConfigException">Invalid options or no profiles.</exception>
    public static ScouterQueue FromProfiles(IReadOnlyDictionary<string, DriftProfile> aliasToProfile, IRecordTransport transport, ScouterQueueOptions? options = null) =>
        new(aliasToProfile, null, transport, options);

    /// <summary>
    /// A queue with profiles known now and aliases whose profiles come later (<see cref="TrySetProfile"/>);
    /// a pending alias's queue counts its inserts as dropped (<c>profile_pending</c>) until then.
    /// </summary>
    /// <exception cref="ScouterConfigException">Invalid options, no aliases, or an alias given twice.</exception>
    internal static ScouterQueue FromProfiles(IReadOnlyDictionary<string, DriftProfile> aliasToProfile, IReadOnlyDictionary<string, DriftType> pending,
        IRecordTransport transport, ScouterQueueOptions? options) =>
        new(aliasToProfile, pending, transport, options);

    /// <summary>Creates a queue for profiles saved as JSON files, keyed by alias.</summary>
    /// <exception cref="ScouterConfigException">Invalid options or no profiles.</exception>
    public static ScouterQueue FromPath(IReadOnlyDictionary<string, string> aliasToPath, IRecordTransport transport, ScouterQueueOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(aliasToPath);
        var profiles = new Dictionary<string, DriftProfile>(aliasToPath.Count, StringComparer.Ordinal);
        foreach (var (alias, path) in aliasToPath) profiles[alias] = DriftProfile.Load(path);
        return new ScouterQueue(profiles, null, transport, options);
    }

    /// <summary>
    /// Gives the pending alias <paramref name="alias"/> its profile: inserts from now on are
    /// aggregated. False when the alias already has a profile or the queue is shut down.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No such alias.</exception>
    /// <exception cref="ArgumentException">The profile's drift type is not the one the alias was created with.</exception>
    internal bool TrySetProfile(string alias, DriftProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var queue = this[alias];
        if (profile.DriftType != queue.DriftType)
            throw new ArgumentException($"Scouter queue '{alias}' takes a {queue.DriftType} profile, not {profile.DriftType}.", nameof(profile));
        if (Volatile.Read(ref _closed) != 0 || !queue.TryAttach(profile, CreateAggregator(alias))) return false;
        if (_transport is InMemoryTransport memory) memory.AddProfiles([profile]);
        Log.ProfileAvailable(_logger, alias, queue.PendingDrops);
        return true;
    }

    /// <summary>The queue of the profile registered under <paramref name="alias"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such alias; the message lists the known ones.</exception>
    public ProfileQueue this[string alias] => alias is not null && _queues.TryGetValue(alias, out var queue)
        ? queue
        : throw new KeyNotFoundException($"No profile with alias '{alias}' in this queue; the aliases are: {string.Join(", ", _queues.Keys.Order(StringComparer.Ordinal))}.");

    /// <summary>The registered aliases.</summary>
    public IReadOnlyCollection<string> Aliases => _queues.Keys;

    /// <summary>A snapshot of the counters (also published on the <c>Scouter.Client</c> meter).</summary>
    public ScouterQueueStatistics Statistics => _stats.Snapshot();

    /// <summary>
    /// Cuts everything aggregated so far into batches (incomplete SPC samples included, with their
    /// count) and waits until the delivery buffer is empty or <paramref name="cancellationToken"/> fires.
    /// </summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _closed) == 0)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _control.Enqueue(done);
            _channel.Writer.TryWrite(QueueItem.Wake);
            // The worker may have exited (shutdown) before seeing the request; its exit cuts everything anyway.
            await Task.WhenAny(done.Task, _worker).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await _worker.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        await _delivery.WhenEmptyAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Stops accepting inserts (later ones are counted as dropped, reason <c>closed</c>), cuts
    /// everything aggregated, waits up to <paramref name="timeout"/> for delivery, and reports
    /// what could not be delivered (log and <c>shutdown_timeout</c> drops). Idempotent: later
    /// calls return the first call's task.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative.</exception>
    public Task ShutdownAsync(TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);
        lock (_shutdownLock)
        {
            return _shutdown ??= Task.Run(() => ShutdownCoreAsync(timeout));
        }
    }

    /// <summary>Shuts down with <see cref="ScouterQueueOptions.ShutdownTimeout"/> (default 10 s). Idempotent.</summary>
    public async ValueTask DisposeAsync() => await ShutdownAsync(_options.ShutdownTimeout).ConfigureAwait(false);

    internal void Write(in QueueItem item)
    {
        if (item.Target is { IsPending: true } pending && Volatile.Read(ref _closed) == 0)
        {
            _stats.AddDropped(DropReason.ProfilePending, 0, 1);
            if (pending.CountPendingDrop()) Log.InsertDroppedProfilePending(_logger, pending.Alias);
            return;
        }
        if (Volatile.Read(ref _closed) == 0 && _channel.Writer.TryWrite(item))
        {
            _stats.AddInserted();
            return;
        }
        var reason = Volatile.Read(ref _closed) != 0 ? DropReason.Closed : DropReason.ChannelFull;
        _stats.AddDropped(reason, 0, 1);
        if (_dropLogs[(int)reason].Hit(out var count)) Log.InsertDropped(_logger, QueueStats.ReasonNames[(int)reason], count);
    }

    internal void ReportError(InsertError kind, string alias, string detail) => _errors[alias].Report(kind, detail);

    private Func<DriftProfile, Random, Aggregator> CreateAggregator(string alias) =>
        (profile, random) => Aggregator.Create(profile, _time, random, _errors[alias]);

    /// <summary>The alias whose profile has <paramref name="uid"/> (for log lines about refused records); null when none has.</summary>
    private string? AliasOf(Guid uid) => _queues.Values.FirstOrDefault(q => !q.IsPending && q.Profile.Config.Uid == uid)?.Alias;

    private async Task ShutdownCoreAsync(TimeSpan timeout)
    {
        Volatile.Write(ref _closed, 1);
        await _timerStop.CancelAsync().ConfigureAwait(false);
        _channel.Writer.TryComplete();
        await _worker.ConfigureAwait(false);
        await _timerLoop.ConfigureAwait(false);
        await _delivery.StopAsync(timeout).ConfigureAwait(false);
        _timerStop.Dispose();
        _timer.Dispose();
        await _transport.DisposeAsync().ConfigureAwait(false);
    }

    private async Task RunTimerAsync()
    {
        try
        {
            while (await _timer.WaitForNextTickAsync(_timerStop.Token).ConfigureAwait(false))
            {
                _control.Enqueue(null);
                _channel.Writer.TryWrite(QueueItem.Wake);
            }
        }
        catch (OperationCanceledException)
        {
            // Shutdown.
        }
    }

    private async Task RunWorkerAsync()
    {
        var reader = _channel.Reader;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                var n = 0;
                while (reader.TryRead(out var item))
                {
                    Process(item);
                    // Under sustained load the channel never runs dry; look at control requests regularly.
                    if (++n == 1024)
                    {
                        n = 0;
                        HandleControl(reader);
                    }
                }
                HandleControl(reader);
            }
            HandleControl(reader);
            CutAll(final: true);
        }
        catch (Exception ex)
        {
            // A bug, not a data problem: stop accepting inserts (counted as closed) and let shutdown deliver what was cut.
            Volatile.Write(ref _closed, 1);
            Log.WorkerFailed(_logger, ex);
        }
    }

    private void HandleControl(ChannelReader<QueueItem> reader)
    {
        while (_control.TryDequeue(out var request))
        {
            if (request is null)
            {
                CutAll(final: false);
                continue;
            }
            // Inserts made before the flush request are already in the channel: aggregate them first.
            for (var pending = reader.Count; pending > 0 && reader.TryRead(out var item); pending--) Process(item);
            CutAll(final: true);
            request.TrySetResult();
        }
    }

    private void Process(in QueueItem item)
    {
        // A target is only written to the channel once it has a profile, which it then keeps.
        if (item.Target is not { Aggregator: { } aggregator } target) return;
        switch (item.Kind)
        {
            case ItemKind.Features:
                aggregator.Add((Features)item.Payload!);
                break;
            case ItemKind.FeatureSource:
                Features features;
                try
                {
                    features = item.Converter!(item.Payload!, _namingPolicy);
                }
                catch (Exception ex)
                {
                    ReportError(InsertError.NotConvertible, target.Alias, ex.Message);
                    _stats.AddAggregated();
                    return;
                }
                aggregator.Add(features);
                break;
            case ItemKind.Metrics:
                aggregator.Add((Metrics)item.Payload!);
                break;
            case ItemKind.Llm:
                aggregator.Add((LlmRecord)item.Payload!);
                break;
        }
        _stats.AddAggregated();
        if (aggregator.IsFull) Cut(aggregator, final: false);
    }

    private void CutAll(bool final)
    {
        foreach (var queue in _queues.Values)
        {
            if (queue.Aggregator is { } aggregator) Cut(aggregator, final);
        }
    }

    /// <summary>
    /// Cuts the aggregator's records, checks each with the profile's rules (an invalid record is
    /// counted as rejected and not sent: the receiver would refuse it) and enqueues them in batches
    /// within the receiver's limits.
    /// </summary>
    private void Cut(Aggregator aggregator, bool final)
    {
        var now = _time.GetUtcNow();
        var records = aggregator.Cut(now, final);
        if (records is null) return;
        var batches = new BatchSplitter(now, _delivery.Enqueue);
        List<RejectedRecord>? invalid = null;
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            if (aggregator.Rules.Check(record) is { } problem)
            {
                (invalid ??= []).Add(RejectedRecord.Of(i, problem));
                continue;
            }
            batches.Add(record, RecordSize.Of(record));
        }
        batches.Complete();
        if (invalid is not null) _rejections.Count(records, invalid, RecordRejections.QueueCheck);
    }
}
