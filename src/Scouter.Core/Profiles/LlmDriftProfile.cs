using System.Text.Json.Serialization;

namespace Scouter;

/// <summary>An LLM-judged metric: a prompt template for the judge, a baseline score and a condition.</summary>
public sealed class LlmMetric : BaselineMetric
{
    /// <summary>Creates and validates the metric; an unknown placeholder in <paramref name="prompt"/> throws.</summary>
    [JsonConstructor]
    public LlmMetric(string name, double baseline, string prompt, AlertThreshold condition = AlertThreshold.Below, double? delta = null)
        : base(name, baseline, condition, delta)
    {
        Prompt = Guard.NotNull($"metrics.{name}.prompt", prompt);
        Template = Drift.PromptTemplate.Parse(prompt);
    }

    /// <summary>Judge prompt with <c>${input}</c>, <c>${response}</c>, <c>${prompt}</c>, <c>${context.KEY}</c> placeholders.</summary>
    public string Prompt { get; }

    internal Drift.PromptTemplate Template { get; }
}

/// <summary>An LLM profile: judged metrics with baselines (no data needed).</summary>
public sealed class LlmDriftProfile : DriftProfile
{
    /// <summary>Creates and validates the profile (at least one metric; names distinct).</summary>
    public LlmDriftProfile(LlmDriftConfig config, IReadOnlyList<LlmMetric> metrics)
        : this(config, metrics, CurrentVersion, TimeProvider.System.GetUtcNow())
    {
    }

    /// <summary>
    /// Restores a saved profile (used by deserialization). A missing <c>scouter_version</c> is this library's
    /// version; a missing <c>created_at</c> (or the default value) is now.
    /// </summary>
    [JsonConstructor]
    public LlmDriftProfile(LlmDriftConfig config, IReadOnlyList<LlmMetric> metrics, string? scouterVersion = null, DateTimeOffset createdAt = default)
        : base(scouterVersion, createdAt)
    {
        Config = Guard.NotNull("config", config);
        Metrics = ProfileGuard.Metrics("metrics", metrics, m => m.Name);
    }

    /// <inheritdoc />
    public override LlmDriftConfig Config { get; }

    /// <summary>The judged metrics.</summary>
    public IReadOnlyList<LlmMetric> Metrics { get; }

    /// <summary>Reads an LLM profile from <paramref name="path"/>.</summary>
    public static new LlmDriftProfile Load(string path) => LoadAs<LlmDriftProfile>(path);
}
