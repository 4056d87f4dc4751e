namespace Scouter.Client;

/// <summary>
/// The queue of one profile inside a <see cref="ScouterQueue"/> (<c>queue["alias"]</c>). Every
/// <c>Insert</c> is thread-safe, never blocks and never throws for data problems: a value of the
/// wrong kind for the profile, an unknown feature or metric, text in a numeric feature or a full
/// queue is counted in <see cref="ScouterQueue.Statistics"/> and logged at most every 5 minutes
/// per kind (docs/client.md).
/// </summary>
public sealed class ProfileQueue
{
    private readonly ScouterQueue _owner;
    private readonly bool _takesFeatures;

    internal ProfileQueue(ScouterQueue owner, string alias, DriftProfile profile, Aggregator aggregator)
    {
        _owner = owner;
        Alias = alias;
        Profile = profile;
        Aggregator = aggregator;
        _takesFeatures = profile.DriftType is DriftType.Psi or DriftType.Spc;
    }

    /// <summary>The alias this queue was registered under.</summary>
    public string Alias { get; }

    /// <summary>The profile whose records this queue aggregates.</summary>
    public DriftProfile Profile { get; }

    /// <summary>The profile's drift type (decides which <c>Insert</c> overload applies).</summary>
    public DriftType DriftType => Profile.DriftType;

    internal Aggregator Aggregator { get; }

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
    /// Inserts a typed object's features (PSI and SPC profiles). The object is stored as is and
    /// read on the background worker (no allocation for reference types on the caller's thread), so
    /// it must not be changed after the call.
    /// </summary>
    public void Insert<T>(T value) where T : IFeatureSource
    {
        if (value is null) _owner.ReportError(InsertError.NullValue, Alias, "value is null");
        else if (!_takesFeatures) WrongKind(typeof(T).Name);
        else _owner.Write(new QueueItem(this, ItemKind.FeatureSource, value, FeatureConverter<T>.Convert));
    }

    private void WrongKind(string what) =>
        _owner.ReportError(InsertError.WrongKind, Alias, $"{what} inserted into a {Profile.DriftType} profile queue");

    private static class FeatureConverter<T> where T : IFeatureSource
    {
        public static readonly Func<object, Features> Convert = static value => ((T)value).ToFeatures();
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
internal readonly record struct QueueItem(ProfileQueue? Target, ItemKind Kind, object? Payload, Func<object, Features>? Converter)
{
    public static QueueItem Wake => default;
}
