using System.Text.Json;

namespace Scouter.Client;

/// <summary>
/// The queue of one profile inside a <see cref="ScouterQueue"/> (<c>queue["alias"]</c>). Every
/// <c>Insert</c> is thread-safe, never blocks and never throws for data problems: a value of the
/// wrong kind for the profile, an unknown feature or metric, text in a numeric feature or a full
/// queue is counted in <see cref="ScouterQueue.Statistics"/> and logged at most every 5 minutes
/// per kind (docs/client.md). A queue whose profile is still being downloaded
/// (<see cref="IsPending"/>, hosted queues only) counts its inserts as dropped with reason
/// <c>profile_pending</c>.
/// </summary>
public sealed class ProfileQueue
{
    private readonly ScouterQueue _owner;
    private readonly bool _takesFeatures;
    private readonly Random _random;
    private Attached? _attached;
    private long _pendingDrops;
    private int _pendingLogged;

    internal ProfileQueue(ScouterQueue owner, string alias, DriftType driftType, Random random)
    {
        _owner = owner;
        Alias = alias;
        DriftType = driftType;
        _random = random;
        _takesFeatures = driftType is DriftType.Psi or DriftType.Spc;
    }

    /// <summary>The alias this queue was registered under.</summary>
    public string Alias { get; }

    /// <summary>The profile whose records this queue aggregates.</summary>
    /// <exception cref="InvalidOperationException">The profile is not known yet (<see cref="IsPending"/>).</exception>
    public DriftProfile Profile => Volatile.Read(ref _attached)?.Profile ?? throw new InvalidOperationException(
        $"The profile of Scouter queue '{Alias}' is not known yet: it is still being downloaded from the server.");

    /// <summary>The profile's drift type (decides which <c>Insert</c> overload applies); known even while <see cref="IsPending"/>.</summary>
    public DriftType DriftType { get; }

    /// <summary>
    /// True while the profile is not known yet (a hosted queue whose profile download is still being
    /// retried); inserts meanwhile are counted as dropped (<c>profile_pending</c>), not aggregated.
    /// </summary>
    public bool IsPending => Volatile.Read(ref _attached) is null;

    /// <summary>The aggregator; null while pending. Only the queue's worker uses it.</summary>
    internal Aggregator? Aggregator => Volatile.Read(ref _attached)?.Aggregator;

    /// <summary>Inserts dropped because the profile was pending.</summary>
    internal long PendingDrops => Interlocked.Read(ref _pendingDrops);

    /// <summary>Inserts the features of one inference (PSI and SPC profiles). The instance must not be changed afterwards.</summary>
    public void Insert(Features features)
    {
        if (features is null) _owner.ReportError(InsertError.NullValue, Alias, "features is null");
        else if (!_takesFeatures) WrongKind(nameof(Features));
        else _owner.Write(new QueueItem(this, ItemKind.Features, features, null));
    }

    /// <summary>Inserts the custom metrics of one inference (custom profiles).</summary>
    public void Insert(Metrics metrics)
    {
        if (metrics is null) _owner.ReportError(InsertError.NullValue, Alias, "metrics is null");
        else if (DriftType != DriftType.Custom) WrongKind(nameof(Metrics));
        else _owner.Write(new QueueItem(this, ItemKind.Metrics, metrics, null));
    }

    /// <summary>Inserts one LLM interaction (LLM profiles); it is kept with the profile's sample rate.</summary>
    public void Insert(LlmRecord record)
    {
        if (record is null) _owner.ReportError(InsertError.NullValue, Alias, "record is null");
        else if (DriftType != DriftType.Llm) WrongKind(nameof(LlmRecord));
        else _owner.Write(new QueueItem(this, ItemKind.Llm, record, null));
    }

    /// <summary>
    /// Inserts a typed object's features (PSI and SPC profiles), named as
    /// <see cref="ScouterQueueOptions.FeatureNamingPolicy"/> says. The object is stored as is and
    /// read on the background worker (no allocation for reference types on the caller's thread), so
    /// it must not be changed after the call.
    /// </summary>
    public void Insert<T>(T value) where T : IFeatureSource
    {
        if (value is null) _owner.ReportError(InsertError.NullValue, Alias, "value is null");
        else if (!_takesFeatures) WrongKind(typeof(T).Name);
        else _owner.Write(new QueueItem(this, ItemKind.FeatureSource, value, FeatureConverter<T>.Convert));
    }

    /// <summary>Makes the queue aggregate for <paramref name="profile"/>; false when it already has a profile.</summary>
    internal bool TryAttach(DriftProfile profile, Func<DriftProfile, Random, Aggregator> createAggregator) =>
        Interlocked.CompareExchange(ref _attached, new Attached(profile, createAggregator(profile, _random)), null) is null;

    /// <summary>Counts a pending drop; true for the first one (to be logged).</summary>
    internal bool CountPendingDrop()
    {
        Interlocked.Increment(ref _pendingDrops);
        return Interlocked.Exchange(ref _pendingLogged, 1) == 0;
    }

    private void WrongKind(string what) =>
        _owner.ReportError(InsertError.WrongKind, Alias, $"{what} inserted into a {DriftType} profile queue");

    private sealed record Attached(DriftProfile Profile, Aggregator Aggregator);

    private static class FeatureConverter<T> where T : IFeatureSource
    {
        // The policy is the queue's, passed by the worker: accessors are looked up per (T, policy), names never converted per call.
        public static readonly Func<object, JsonNamingPolicy?, Features> Convert = static (value, policy) => Features.From((T)value, policy);
    }
}

internal enum ItemKind : byte
{
    Wake,
    Features,
    FeatureSource,
    Metrics,
    Llm,
}

/// <summary>One channel entry: a reference to the inserted object, no copying on the caller's thread.</summary>
internal readonly record struct QueueItem(ProfileQueue? Target, ItemKind Kind, object? Payload, Func<object, JsonNamingPolicy?, Features>? Converter)
{
    public static QueueItem Wake => default;
}
