using System.Text.Json.Serialization;

namespace Scouter;

/// <summary>
/// Identity of a monitored model version: space, name, version and uid. Every drift type's config
/// derives from it. Values are validated when set; a bad one throws
/// <see cref="ScouterConfigException"/> naming the field.
/// </summary>
public abstract record DriftConfig
{
    /// <summary>The team or project space the profile belongs to (required).</summary>
    public required string Space
    {
        get;
        init => field = Guard.Name("space", value);
    }

    /// <summary>The model name (required).</summary>
    public required string Name
    {
        get;
        init => field = Guard.Name("name", value);
    }

    /// <summary>The model version (default <c>0.1.0</c>).</summary>
    public string Version
    {
        get;
        init => field = Guard.Name("version", value);
    } = "0.1.0";

    /// <summary>Unique id of the profile (UUIDv7, generated when not given).</summary>
    public Guid Uid
    {
        get;
        init => field = value != Guid.Empty ? value : throw new ScouterConfigException("uid", value, "must not be the empty uuid");
    } = Guid.CreateVersion7();

    /// <summary>The drift type this config belongs to.</summary>
    [JsonIgnore]
    public abstract DriftType DriftType { get; }

    /// <summary>The alert settings common to all drift types.</summary>
    [JsonIgnore]
    public abstract AlertConfig Alerts { get; }
}

/// <summary>Settings of a PSI profile.</summary>
public sealed record PsiDriftConfig : DriftConfig
{
    /// <inheritdoc />
    [JsonIgnore]
    public override DriftType DriftType => DriftType.Psi;

    /// <summary>Features to profile; empty means every column of the input.</summary>
    public IReadOnlyList<string> FeaturesToMonitor
    {
        get;
        init => field = Guard.DistinctNames("features_to_monitor", value);
    } = [];

    /// <summary>Numeric columns to treat as categorical (string columns always are).</summary>
    public IReadOnlyList<string> CategoricalFeatures
    {
        get;
        init => field = Guard.DistinctNames("categorical_features", value);
    } = [];

    /// <summary>Binning of numeric features (default 10 quantile bins).</summary>
    public BinningStrategy Binning
    {
        get;
        init => field = Guard.NotNull("binning", value);
    } = BinningStrategy.Default;

    /// <summary>Most categories kept per feature before the rest fold into <c>__other__</c> (default 100, at least 2).</summary>
    public int MaxCategories
    {
        get;
        init => field = Guard.AtLeast("max_categories", value, 2);
    } = 100;

    /// <summary>Schedule, channels and threshold.</summary>
    public PsiAlertConfig AlertConfig
    {
        get;
        init => field = Guard.NotNull("alert_config", value);
    } = new();

    /// <inheritdoc />
    [JsonIgnore]
    public override AlertConfig Alerts => AlertConfig;
}

/// <summary>Settings of an SPC profile.</summary>
public sealed record SpcDriftConfig : DriftConfig
{
    /// <inheritdoc />
    [JsonIgnore]
    public override DriftType DriftType => DriftType.Spc;

    /// <summary>Values per sample (default 25, at least 2).</summary>
    public int SampleSize
    {
        get;
        init => field = Guard.AtLeast("sample_size", value, 2);
    } = 25;

    /// <summary>Features to profile; empty means every numeric column of the input.</summary>
    public IReadOnlyList<string> FeaturesToMonitor
    {
        get;
        init => field = Guard.DistinctNames("features_to_monitor", value);
    } = [];

    /// <summary>Whether limits are on the observation or the sample-mean scale (default observation).</summary>
    public SpcLimitScale LimitScale { get; init; } = SpcLimitScale.Observation;

    /// <summary>Schedule, channels and rules.</summary>
    public SpcAlertConfig AlertConfig
    {
        get;
        init => field = Guard.NotNull("alert_config", value);
    } = new();

    /// <inheritdoc />
    [JsonIgnore]
    public override AlertConfig Alerts => AlertConfig;
}

/// <summary>Settings of a custom-metric profile.</summary>
public sealed record CustomMetricDriftConfig : DriftConfig
{
    /// <inheritdoc />
    [JsonIgnore]
    public override DriftType DriftType => DriftType.Custom;

    /// <summary>Inserts aggregated into one batch by the queue (default 25, at least 1).</summary>
    public int SampleSize
    {
        get;
        init => field = Guard.AtLeast("sample_size", value, 1);
    } = 25;

    /// <summary>Schedule and channels.</summary>
    public CustomMetricAlertConfig AlertConfig
    {
        get;
        init => field = Guard.NotNull("alert_config", value);
    } = new();

    /// <inheritdoc />
    [JsonIgnore]
    public override AlertConfig Alerts => AlertConfig;
}

/// <summary>Settings of an LLM-metric profile.</summary>
public sealed record LlmDriftConfig : DriftConfig
{
    /// <inheritdoc />
    [JsonIgnore]
    public override DriftType DriftType => DriftType.Llm;

    /// <summary>Fraction of inserted records the queue keeps, in (0, 1] (default 1).</summary>
    public double SampleRate
    {
        get;
        init => field = value > 0 && value <= 1 ? value : throw new ScouterConfigException("sample_rate", value, "must be in (0, 1]");
    } = 1.0;

    /// <summary>Schedule and channels.</summary>
    public LlmAlertConfig AlertConfig
    {
        get;
        init => field = Guard.NotNull("alert_config", value);
    } = new();

    /// <inheritdoc />
    [JsonIgnore]
    public override AlertConfig Alerts => AlertConfig;
}
