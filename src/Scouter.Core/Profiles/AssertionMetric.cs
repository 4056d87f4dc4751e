using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Scouter.LlmEvaluation;

namespace Scouter;

/// <summary>
/// A metric of an LLM profile scored without a model: the record's <see cref="Field"/> is compared with
/// <see cref="Expected"/> by <see cref="Operator"/>, giving 1 (pass) or 0 (fail), so a window's mean is a
/// pass rate compared with <see cref="BaselineMetric.Baseline"/> like any metric (spec/drift-math.md 4).
/// </summary>
public sealed class AssertionMetric : BaselineMetric
{
    /// <summary>How long a <see cref="AssertionOperator.Matches"/> regular expression may run on one value.</summary>
    public static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(250);

    private readonly JsonNode? _expected;

    /// <summary>Creates and validates the metric; every error names its field (<c>assertions.NAME.…</c>).</summary>
    /// <param name="name">Metric name, distinct from the profile's judge metrics.</param>
    /// <param name="baseline">Expected pass rate, between 0 and 1.</param>
    /// <param name="field">A <see cref="FieldPath"/>: <c>response</c>, <c>input</c>, <c>prompt</c>, <c>context.KEY</c>, then <c>.name</c> / <c>[i]</c>.</param>
    /// <param name="operator">The comparison.</param>
    /// <param name="expected">
    /// A literal JSON value, or a string <c>"${context.KEY}"</c> (any path) read from each record; required
    /// unless the operator is <c>is_empty</c>, <c>is_not_empty</c>, <c>is_json</c> or <c>is_numeric</c>.
    /// </param>
    /// <param name="condition">When to alert (default <see cref="AlertThreshold.Below"/>).</param>
    /// <param name="delta">Tolerance band (>= 0).</param>
    /// <param name="minCount">Fewest evaluated records a check needs (>= 1); below it the metric is <c>insufficient_data</c>.</param>
    [JsonConstructor]
    public AssertionMetric(string name, double baseline, string field, AssertionOperator @operator, JsonNode? expected = null,
        AlertThreshold condition = AlertThreshold.Below, double? delta = null, int? minCount = null)
        : base("assertions", name, baseline, condition, delta)
    {
        if (baseline is < 0 or > 1) throw new ScouterConfigException($"assertions.{name}.baseline", baseline, "is a pass rate: between 0 and 1");
        Field = Guard.NotNull($"assertions.{name}.field", field);
        Operator = Enum.IsDefined(@operator) ? @operator : throw new ScouterConfigException($"assertions.{name}.operator", @operator, "unknown operator");
        MinCount = minCount is { } m ? Guard.AtLeast($"assertions.{name}.min_count", m, 1) : null;
        _expected = expected?.DeepClone();
        Evaluator = new AssertionEvaluator(name, FieldPath.Parse(field, $"assertions.{name}.field"), @operator, _expected);
    }

    /// <summary>The record value tested, as a <see cref="FieldPath"/>.</summary>
    public string Field { get; }

    /// <summary>The comparison.</summary>
    public AssertionOperator Operator { get; }

    /// <summary>The expected value (a copy): literal JSON or a <c>"${...}"</c> reference into the record; null when the operator takes none.</summary>
    public JsonNode? Expected => _expected?.DeepClone();

    /// <summary>Fewest evaluated records a check needs (>= 1), or null for no minimum.</summary>
    public int? MinCount { get; }

    internal AssertionEvaluator Evaluator { get; }

    /// <summary>
    /// Scores <paramref name="record"/>: 1 on pass, 0 on fail (a type mismatch or an absent field is a fail
    /// with a message); an error and no score when a <c>${...}</c> expected value is missing from the record.
    /// </summary>
    public AssertionResult Evaluate(LlmRecord record) => Evaluator.Evaluate(record);

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name}: {Field} {EnumNames.Of(Operator)}");
}
