using System.Text.Json.Serialization;

namespace Scouter;

/// <summary>Baseline control limits of one SPC feature (spec/drift-math.md 2.1).</summary>
public sealed class SpcFeatureProfile
{
    /// <summary>Creates and validates the limits.</summary>
    [JsonConstructor]
    public SpcFeatureProfile(double center, double sigma, long sampleCount, long missingCount)
    {
        Center = Guard.Finite("center", center);
        Sigma = Guard.NonNegative("sigma", sigma);
        SampleCount = sampleCount >= 1 ? sampleCount : throw new ScouterConfigException("sample_count", sampleCount, "must be >= 1");
        MissingCount = missingCount >= 0 ? missingCount : throw new ScouterConfigException("missing_count", missingCount, "must be >= 0");
    }

    /// <summary>Mean of the baseline sample means.</summary>
    public double Center { get; }

    /// <summary>One "sigma" of the limits (on the profile's limit scale).</summary>
    public double Sigma { get; }

    /// <summary>Full baseline samples used.</summary>
    public long SampleCount { get; }

    /// <summary>Missing values dropped from the baseline.</summary>
    public long MissingCount { get; }

    /// <summary>center + 1 sigma.</summary>
    public double OneUcl => Center + Sigma;
    /// <summary>center - 1 sigma.</summary>
    public double OneLcl => Center - Sigma;
    /// <summary>center + 2 sigma.</summary>
    public double TwoUcl => Center + (2 * Sigma);
    /// <summary>center - 2 sigma.</summary>
    public double TwoLcl => Center - (2 * Sigma);
    /// <summary>center + 3 sigma.</summary>
    public double ThreeUcl => Center + (3 * Sigma);
    /// <summary>center - 3 sigma.</summary>
    public double ThreeLcl => Center - (3 * Sigma);
}

/// <summary>An SPC profile: per-feature center and control limits.</summary>
public sealed class SpcDriftProfile : DriftProfile
{
    /// <summary>Creates and validates an SPC profile.</summary>
    public SpcDriftProfile(SpcDriftConfig config, IReadOnlyDictionary<string, SpcFeatureProfile> features)
        : this(config, features, CurrentVersion, TimeProvider.System.GetUtcNow())
    {
    }

    /// <summary>
    /// Restores a saved profile (used by deserialization). A missing <c>scouter_version</c> is this library's
    /// version; a missing <c>created_at</c> (or the default value) is now.
    /// </summary>
    [JsonConstructor]
    public SpcDriftProfile(SpcDriftConfig config, IReadOnlyDictionary<string, SpcFeatureProfile> features, string? scouterVersion = null, DateTimeOffset createdAt = default)
        : base(scouterVersion, createdAt)
    {
        Config = Guard.NotNull("config", config);
        Features = ProfileGuard.Features("features", features);
        foreach (var (name, limits) in Features)
        {
            // Center and sigma are each finite, but the limits (center +/- 3 sigma) must be too, or no sample can be judged.
            if (!double.IsFinite(limits.ThreeUcl) || !double.IsFinite(limits.ThreeLcl))
                throw new ScouterConfigException($"features.{name}.sigma", limits.Sigma, "center +/- 3 sigma must be a finite number");
        }
    }

    /// <inheritdoc />
    public override SpcDriftConfig Config { get; }

    /// <summary>Feature name → limits.</summary>
    public IReadOnlyDictionary<string, SpcFeatureProfile> Features { get; }

    /// <summary>Reads an SPC profile from <paramref name="path"/>.</summary>
    public static new SpcDriftProfile Load(string path) => LoadAs<SpcDriftProfile>(path);
}
