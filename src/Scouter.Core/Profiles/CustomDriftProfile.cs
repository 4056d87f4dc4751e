using System.Text.Json.Serialization;

namespace Scouter;

/// <summary>A custom metric with its baseline and alert condition (spec/drift-math.md 3).</summary>
public sealed class CustomMetric : BaselineMetric
{
    /// <summary>Creates and validates a metric.</summary>
    /// <param name="name">Metric name (non-empty, case-sensitive).</param>
    /// <param name="baseline">Expected value (finite).</param>
    /// <param name="condition">When to alert (default <see cref="AlertThreshold.Below"/>).</param>
    /// <param name="delta">Tolerance band (>= 0); null means any deviation in the condition's direction alerts.</param>
    [JsonConstructor]
    public CustomMetric(string name, double baseline, AlertThreshold condition = AlertThreshold.Below, double? delta = null)
        : base(name, baseline, condition, delta)
    {
    }
}

/// <summary>A custom-metric profile: named metrics with baselines (no data needed).</summary>
public sealed class CustomDriftProfile : DriftProfile
{
    /// <summary>Creates and validates the profile (at least one metric; names distinct).</summary>
    public CustomDriftProfile(CustomMetricDriftConfig config, IReadOnlyList<CustomMetric> metrics)
        : this(config, metrics, CurrentVersion, TimeProvider.System.GetUtcNow())
    {
    }

    /// <summary>
    /// Restores a saved profile (used by deserialization). A missing <c>scouter_version</c> is this library's
    /// version; a missing <c>created_at</c> (or the default value) is now.
    /// </summary>
    [JsonConstructor]
    public CustomDriftProfile(CustomMetricDriftConfig config, IReadOnlyList<CustomMetric> metrics, string? scouterVersion = null, DateTimeOffset createdAt = default)
        : base(scouterVersion, createdAt)
    {
        Config = Guard.NotNull("config", config);
        Metrics = ProfileGuard.Metrics("metrics", metrics, m => m.Name);
    }

    /// <inheritdoc />
    public override CustomMetricDriftConfig Config { get; }

    /// <summary>The monitored metrics.</summary>
    public IReadOnlyList<CustomMetric> Metrics { get; }

    /// <summary>Reads a custom profile from <paramref name="path"/>.</summary>
    public static new CustomDriftProfile Load(string path) => LoadAs<CustomDriftProfile>(path);
}
