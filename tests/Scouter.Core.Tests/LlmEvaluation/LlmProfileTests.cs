using System.Text.Json.Nodes;
using Xunit;

namespace Scouter.Core.Tests.LlmEvaluation;

public sealed class LlmProfileTests
{
    private static readonly LlmDriftConfig Config = new() { Space = "chat", Name = "bot" };

    private static ScouterConfigException Invalid(AssertionOperator op, string? expectedJson, string field = "response") =>
        Assert.Throws<ScouterConfigException>(() => new AssertionMetric("exact", 0.9, field, op, expectedJson is null ? null : JsonNode.Parse(expectedJson)));

    [Theory]
    [InlineData(AssertionOperator.EqualTo, null, "equals needs an expected value")]
    [InlineData(AssertionOperator.Contains, null, "contains needs an expected value")]
    [InlineData(AssertionOperator.Matches, null, "matches needs an expected value")]
    [InlineData(AssertionOperator.InRange, "5", "in_range needs an array of two finite numbers")]
    [InlineData(AssertionOperator.InRange, "[1]", "in_range needs an array of two finite numbers")]
    [InlineData(AssertionOperator.InRange, "[1, \"5\"]", "in_range needs an array of two finite numbers")]
    [InlineData(AssertionOperator.InRange, "[5, 1]", "min <= max")]
    [InlineData(AssertionOperator.InRange, "[1, 2, 3]", "in_range needs an array of two finite numbers")]
    [InlineData(AssertionOperator.InRange, "\"${context.range}\"", "in_range needs a literal expected value")]
    [InlineData(AssertionOperator.GreaterThan, "\"ten\"", "greater_than needs a finite number")]
    [InlineData(AssertionOperator.LengthLessThan, "2.5", "length_less_than needs a non-negative integer")]
    [InlineData(AssertionOperator.LengthGreaterThan, "-1", "length_greater_than needs a non-negative integer")]
    [InlineData(AssertionOperator.StartsWith, "[\"a\"]", "starts_with needs a string")]
    [InlineData(AssertionOperator.ContainsAll, "[]", "contains_all needs a non-empty array")]
    [InlineData(AssertionOperator.ContainsAny, "\"a\"", "contains_any needs a non-empty array")]
    [InlineData(AssertionOperator.Matches, "\"(unclosed\"", "invalid regular expression")]
    [InlineData(AssertionOperator.Matches, "5", "matches needs a regular expression string")]
    [InlineData(AssertionOperator.Matches, "\"${context.pattern}\"", "matches needs a literal expected value")]
    [InlineData(AssertionOperator.IsEmpty, "\"\"", "is_empty takes no expected value")]
    [InlineData(AssertionOperator.IsNumeric, "1", "is_numeric takes no expected value")]
    [InlineData(AssertionOperator.EqualTo, "\"${context.}\"", "invalid reference")]
    [InlineData(AssertionOperator.EqualTo, "\"${label}\"", "invalid reference")]
    public void Assertion_MisusedExpected_ThrowsNamingTheExpectedField(AssertionOperator op, string? expectedJson, string reason)
    {
        var error = Invalid(op, expectedJson);

        Assert.Equal("assertions.exact.expected", error.ParamName);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Assertion_OtherMisuses_NameTheirField()
    {
        Assert.Equal("assertions.exact.field", Invalid(AssertionOperator.IsEmpty, null, field: "answer").ParamName);
        Assert.Equal("assertions.exact.operator", Invalid((AssertionOperator)99, "1").ParamName);
        Assert.Equal("assertions.exact.baseline",
            Assert.Throws<ScouterConfigException>(() => new AssertionMetric("exact", 1.5, "response", AssertionOperator.IsJson)).ParamName);
        Assert.Equal("assertions.exact.min_count",
            Assert.Throws<ScouterConfigException>(() => new AssertionMetric("exact", 0.5, "response", AssertionOperator.IsJson, minCount: 0)).ParamName);
        Assert.Equal("assertions.name",
            Assert.Throws<ScouterConfigException>(() => new AssertionMetric(" ", 0.5, "response", AssertionOperator.IsJson)).ParamName);
    }

    [Fact]
    public void JudgeMetric_NewFields_AreValidatedNamingTheField()
    {
        Assert.Equal("metrics.rel.min_count", Assert.Throws<ScouterConfigException>(() => new LlmMetric("rel", 4, "${response}", minCount: 0)).ParamName);
        Assert.Equal("metrics.rel.model", Assert.Throws<ScouterConfigException>(() => new LlmMetric("rel", 4, "${response}", model: " ")).ParamName);
        Assert.Equal("score_range", Assert.Throws<ScouterConfigException>(() => new ScoreRange(5, 5)).ParamName);
        Assert.Equal("score_range", Assert.Throws<ScouterConfigException>(() => new ScoreRange(1, double.PositiveInfinity)).ParamName);
        Assert.Equal(1, new LlmMetric("rel", 4, "${response}", minCount: 1).MinCount);
    }

    [Fact]
    public void Profile_AssertionNamedLikeAJudgeMetric_Throws()
    {
        var error = Assert.Throws<ScouterConfigException>(() => new LlmDriftProfile(Config,
            [new LlmMetric("relevance", 4, "${response}")],
            [new AssertionMetric("relevance", 0.9, "response", AssertionOperator.IsNotEmpty)]));

        Assert.Equal("assertions.relevance", error.ParamName);
    }

    [Fact]
    public void Profile_NeedsAJudgeMetricOrAnAssertion()
    {
        Assert.Equal("metrics", Assert.Throws<ScouterConfigException>(() => new LlmDriftProfile(Config, [], [])).ParamName);
        Assert.Equal("assertions", Assert.Throws<ScouterConfigException>(() => new LlmDriftProfile(Config, [], [
            new AssertionMetric("a", 0.9, "response", AssertionOperator.IsJson),
            new AssertionMetric("a", 0.9, "response", AssertionOperator.IsNumeric)])).ParamName);

        var assertionsOnly = new LlmDriftProfile(Config, [], [new AssertionMetric("a", 0.9, "response", AssertionOperator.IsJson)]);
        Assert.Empty(assertionsOnly.Metrics);
    }

    [Fact]
    public void OldJson_WithoutTheNewFields_StillLoads()
    {
        const string Json = """
            {
              "drift_type": "llm",
              "config": { "space": "chat", "name": "bot", "sample_rate": 0.5 },
              "metrics": [
                { "name": "relevance", "baseline": 4.0, "prompt": "Rate ${response} for ${input}.", "condition": "below", "delta": 0.5 }
              ],
              "scouter_version": "0.1.0",
              "created_at": "2025-01-02T03:04:05+00:00"
            }
            """;

        var profile = Assert.IsType<LlmDriftProfile>(DriftProfile.FromJson(Json));

        var metric = Assert.Single(profile.Metrics);
        Assert.Null(metric.Model);
        Assert.Null(metric.ScoreRange);
        Assert.Null(metric.MinCount);
        Assert.Empty(profile.Assertions);
        Assert.Equal("Rate b for a.", metric.RenderPrompt(new LlmRecord("a", "b")).Text);
    }

    [Fact]
    public void NewFields_RoundTripThroughJson_InSnakeCase()
    {
        var profile = new LlmDriftProfile(Config,
            [new LlmMetric("relevance", 4, "Rate ${response}", AlertThreshold.Below, 0.5, model: "gpt-4o-mini", scoreRange: new ScoreRange(1, 5), minCount: 20)],
            [
                new AssertionMetric("exact", 0.9, "response.label", AssertionOperator.EqualTo, JsonValue.Create("${context.label}"), minCount: 10),
                new AssertionMetric("in_band", 0.75, "response.score", AssertionOperator.InRange, new JsonArray(0, 1.5), AlertThreshold.Outside, 0.1),
                new AssertionMetric("is_json", 1, "response", AssertionOperator.IsJson),
            ]);

        var json = JsonNode.Parse(profile.ToJson())!;
        var metric = json["metrics"]![0]!;
        Assert.Equal("gpt-4o-mini", (string?)metric["model"]);
        Assert.Equal("[1,5]", metric["score_range"]!.ToJsonString());
        Assert.Equal(20, (int)metric["min_count"]!);
        var exact = json["assertions"]![0]!;
        Assert.Equal("response.label", (string?)exact["field"]);
        Assert.Equal("equals", (string?)exact["operator"]);
        Assert.Equal("${context.label}", (string?)exact["expected"]);
        Assert.Equal(10, (int)exact["min_count"]!);
        Assert.Equal("in_range", (string?)json["assertions"]![1]!["operator"]);
        Assert.Equal("[0,1.5]", json["assertions"]![1]!["expected"]!.ToJsonString());

        var loaded = Assert.IsType<LlmDriftProfile>(DriftProfile.FromJson(profile.ToJson()));
        Assert.Equal(profile.ToJson(), loaded.ToJson());
        Assert.Equal(new ScoreRange(1, 5), loaded.Metrics[0].ScoreRange);
        Assert.Equal(AssertionOperator.InRange, loaded.Assertions[1].Operator);
        Assert.Equal(AlertThreshold.Outside, loaded.Assertions[1].Condition);
        Assert.Equal(1, loaded.Assertions[0].Evaluate(Records.Of("""{"label": "x"}""", """{"label": "x"}""")).Score);
    }

    [Theory]
    [InlineData("""{"name":"a","baseline":0.9,"field":"response","operator":"equal"}""", "unknown operator 'equal'")]
    [InlineData("""{"name":"a","baseline":0.9,"field":"response","operator":"matches","expected":"[a-"}""", "assertions.a.expected")]
    [InlineData("""{"name":"a","baseline":0.9,"field":"answer","operator":"is_json"}""", "assertions.a.field")]
    public void Json_InvalidAssertion_IsRejectedNamingIt(string assertion, string named)
    {
        var json = $$"""{"drift_type":"llm","config":{"space":"s","name":"n"},"metrics":[],"assertions":[{{assertion}}]}""";

        var error = Assert.Throws<ScouterDataException>(() => DriftProfile.FromJson(json));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[1]")]
    [InlineData("[1, 2, 3]")]
    [InlineData("{\"min\": 1, \"max\": 5}")]
    [InlineData("[5, 1]")]
    [InlineData("[1, \"5\"]")]
    public void Json_InvalidScoreRange_IsRejected(string range)
    {
        var json = $$"""{"drift_type":"llm","config":{"space":"s","name":"n"},"metrics":[{"name":"m","baseline":3,"prompt":"${response}","score_range":{{range}}}]}""";

        var error = Assert.Throws<ScouterDataException>(() => DriftProfile.FromJson(json));

        Assert.Contains("score_range", error.Message, StringComparison.Ordinal);
    }
}
