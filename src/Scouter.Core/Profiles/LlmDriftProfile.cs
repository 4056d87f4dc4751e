using System.Text.Json.Serialization;
using Scouter.LlmEvaluation;

namespace Scouter;

/// <summary>An LLM-judged metric: a prompt template for the judge, a baseline score and a condition.</summary>
public sealed class LlmMetric : BaselineMetric
{
    /// <summary>Creates and validates the metric; an unknown placeholder in <paramref name="prompt"/> throws.</summary>
    /// <param name="name">Metric name (non-empty, case-sensitive).</param>
    /// <param name="baseline">Expected mean score.</param>
    /// <param name="prompt">Judge prompt; see <see cref="Prompt"/>.</param>
    /// <param name="condition">When to alert (default <see cref="AlertThreshold.Below"/>).</param>
    /// <param name="delta">Tolerance band (>= 0).</param>
    /// <param name="model">Judge model for this metric; null uses the server's default model.</param>
    /// <param name="scoreRange">Valid scores <c>[min, max]</c>; an answer outside it is rejected. Null: any finite score.</param>
    /// <param name="minCount">Fewest scored records a check needs (>= 1); below it the metric is <c>insufficient_data</c>.</param>
    [JsonConstructor]
    public LlmMetric(string name, double baseline, string prompt, AlertThreshold condition = AlertThreshold.Below, double? delta = null,
        string? model = null, ScoreRange? scoreRange = null, int? minCount = null)
        : base(name, baseline, condition, delta)
    {
        Prompt = Guard.NotNull($"metrics.{name}.prompt", prompt);
        Template = Drift.PromptTemplate.Parse(prompt, $"metrics.{name}.prompt");
        Model = model is null ? null : Guard.Name($"metrics.{name}.model", model);
        ScoreRange = scoreRange;
        MinCount = minCount is { } m ? Guard.AtLeast($"metrics.{name}.min_count", m, 1) : null;
    }

    /// <summary>
    /// Judge prompt with <c>${input}</c>, <c>${response}</c>, <c>${prompt}</c>, <c>${context.KEY}</c> placeholders,
    /// each optionally followed by <c>.name</c> / <c>[i]</c> steps into JSON (see <see cref="FieldPath"/>).
    /// </summary>
    public string Prompt { get; }

    /// <summary>Judge model for this metric, or null for the server's default.</summary>
    public string? Model { get; }

    /// <summary>Valid scores (bounds included), or null for any finite score.</summary>
    public ScoreRange? ScoreRange { get; }

    /// <summary>Fewest scored records a check needs (>= 1), or null for no minimum.</summary>
    public int? MinCount { get; }

    internal Drift.PromptTemplate Template { get; }

    /// <summary>
    /// The judge prompt for <paramref name="record"/>, or <see cref="LlmErrors.MissingVariable"/> naming the
    /// first placeholder whose value the record lacks (the judge must then not be called).
    /// </summary>
    public PromptRenderResult RenderPrompt(LlmRecord record) => Template.Render(record);
}

/// <summary>An LLM profile: judge metrics and assertion metrics with baselines (no data needed).</summary>
public sealed class LlmDriftProfile : DriftProfile
{
    /// <summary>
    /// Creates, or restores (deserialization), and validates the profile: at least one metric or assertion,
    /// all names distinct across both lists. A missing <c>scouter_version</c> is this library's version; a
    /// missing <c>created_at</c> (or the default value) is now.
    /// </summary>
    /// <param name="config">Identity and alert settings.</param>
    /// <param name="metrics">Judge metrics (may be empty when <paramref name="assertions"/> is not).</param>
    /// <param name="assertions">Assertion metrics, scored without a model; null means none.</param>
    /// <param name="scouterVersion">Version that created the profile.</param>
    /// <param name="createdAt">When the profile was created.</param>
    [JsonConstructor]
    public LlmDriftProfile(LlmDriftConfig config, IReadOnlyList<LlmMetric> metrics, IReadOnlyList<AssertionMetric>? assertions = null,
        string? scouterVersion = null, DateTimeOffset createdAt = default)
        : base(scouterVersion, createdAt)
    {
        Config = Guard.NotNull("config", config);
        Assertions = ProfileGuard.Metrics("assertions", assertions ?? [], m => m.Name, allowEmpty: true);
        Metrics = ProfileGuard.Metrics("metrics", metrics, m => m.Name, allowEmpty: Assertions.Count > 0);
        var judged = Metrics.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var assertion in Assertions)
        {
            if (judged.Contains(assertion.Name))
                throw new ScouterConfigException($"assertions.{assertion.Name}", assertion.Name, "an assertion metric has the name of a judge metric; names must be distinct");
        }
    }

    /// <inheritdoc />
    public override LlmDriftConfig Config { get; }

    /// <summary>The judge metrics.</summary>
    public IReadOnlyList<LlmMetric> Metrics { get; }

    /// <summary>The assertion metrics (empty when none).</summary>
    public IReadOnlyList<AssertionMetric> Assertions { get; }

    /// <summary>Scores every assertion metric on <paramref name="record"/>, in <see cref="Assertions"/> order; needs no model.</summary>
    public IReadOnlyList<AssertionResult> EvaluateAssertions(LlmRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return [.. Assertions.Select(a => a.Evaluate(record))];
    }

    /// <summary>Reads an LLM profile from <paramref name="path"/>.</summary>
    public static new LlmDriftProfile Load(string path) => LoadAs<LlmDriftProfile>(path);
}
