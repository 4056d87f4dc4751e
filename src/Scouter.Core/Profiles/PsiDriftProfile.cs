using System.Text.Json.Serialization;

namespace Scouter;

/// <summary>A PSI profile: per-feature baseline bins (build one with <c>Drifter.CreatePsiProfile</c> from Scouter.Profiling).</summary>
public sealed class PsiDriftProfile : DriftProfile
{
    /// <summary>Creates and validates a PSI profile.</summary>
    public PsiDriftProfile(PsiDriftConfig config, IReadOnlyDictionary<string, PsiFeatureProfile> features)
        : this(config, features, CurrentVersion, TimeProvider.System.GetUtcNow())
    {
    }

    /// <summary>
    /// Restores a saved profile (used by deserialization). A missing <c>scouter_version</c> is this library's
    /// version; a missing <c>created_at</c> (or the default value) is now.
    /// </summary>
    [JsonConstructor]
    public PsiDriftProfile(PsiDriftConfig config, IReadOnlyDictionary<string, PsiFeatureProfile> features, string? scouterVersion = null, DateTimeOffset createdAt = default)
        : base(scouterVersion, createdAt)
    {
        Config = Guard.NotNull("config", config);
        Features = ProfileGuard.Features("features", features);
    }

    /// <inheritdoc />
    public override PsiDriftConfig Config { get; }

    /// <summary>Feature name → baseline bins.</summary>
    public IReadOnlyDictionary<string, PsiFeatureProfile> Features { get; }

    /// <summary>Reads a PSI profile from <paramref name="path"/>.</summary>
    public static new PsiDriftProfile Load(string path) => LoadAs<PsiDriftProfile>(path);
}
