using System.Text.Json.Nodes;
using Scouter.LlmEvaluation;
using Xunit;

namespace Scouter.Core.Tests.LlmEvaluation;

/// <summary>Every operator at its boundaries, pass (1) and fail (0); expected values written from docs/llm.md.</summary>
public sealed class AssertionOperatorTests
{
    private static AssertionResult Run(AssertionOperator op, string? expectedJson, string? responseJson, string field = "response", string? contextJson = null)
    {
        var metric = new AssertionMetric("check", 0.9, field, op, expectedJson is null ? null : JsonNode.Parse(expectedJson));
        return metric.Evaluate(Records.Of(responseJson, contextJson));
    }

    [Theory]
    // equals / not_equals: JSON equality, numbers by value, strings exact (case-sensitive).
    [InlineData(AssertionOperator.EqualTo, "\"Paris\"", "\"Paris\"", 1)]
    [InlineData(AssertionOperator.EqualTo, "\"Paris\"", "\"paris\"", 0)]
    [InlineData(AssertionOperator.EqualTo, "\"Paris\"", "\"Paris \"", 0)]
    [InlineData(AssertionOperator.EqualTo, "4", "4.0", 1)]
    [InlineData(AssertionOperator.EqualTo, "4", "\"4\"", 0)]
    [InlineData(AssertionOperator.EqualTo, "{\"a\": [1, true]}", "{\"a\": [1.0, true]}", 1)]
    [InlineData(AssertionOperator.EqualTo, "{\"a\": [1, true]}", "{\"a\": [1, true], \"b\": 2}", 0)]
    [InlineData(AssertionOperator.EqualTo, "[1, 2]", "[2, 1]", 0)]
    [InlineData(AssertionOperator.NotEqualTo, "\"Paris\"", "\"London\"", 1)]
    [InlineData(AssertionOperator.NotEqualTo, "\"Paris\"", "\"Paris\"", 0)]
    [InlineData(AssertionOperator.NotEqualTo, "\"Paris\"", null, 1)]
    // greater / less (or equal): numbers or numeric strings.
    [InlineData(AssertionOperator.GreaterThan, "0.5", "0.5000001", 1)]
    [InlineData(AssertionOperator.GreaterThan, "0.5", "0.5", 0)]
    [InlineData(AssertionOperator.GreaterThan, "0.5", "\" 0.6 \"", 1)]
    [InlineData(AssertionOperator.GreaterThanOrEqual, "0.5", "0.5", 1)]
    [InlineData(AssertionOperator.GreaterThanOrEqual, "0.5", "0.4999999", 0)]
    [InlineData(AssertionOperator.LessThan, "10", "9.999", 1)]
    [InlineData(AssertionOperator.LessThan, "10", "10", 0)]
    [InlineData(AssertionOperator.LessThanOrEqual, "10", "10", 1)]
    [InlineData(AssertionOperator.LessThanOrEqual, "10", "10.001", 0)]
    // in_range: bounds included.
    [InlineData(AssertionOperator.InRange, "[1, 5]", "1", 1)]
    [InlineData(AssertionOperator.InRange, "[1, 5]", "5", 1)]
    [InlineData(AssertionOperator.InRange, "[1, 5]", "0.999", 0)]
    [InlineData(AssertionOperator.InRange, "[1, 5]", "5.001", 0)]
    [InlineData(AssertionOperator.InRange, "[3, 3]", "\"3\"", 1)]
    // contains / not_contains: substring of text (ordinal), or an item of an array.
    [InlineData(AssertionOperator.Contains, "\"refund\"", "\"We will refund you.\"", 1)]
    [InlineData(AssertionOperator.Contains, "\"refund\"", "\"We will Refund you.\"", 0)]
    [InlineData(AssertionOperator.Contains, "\"b\"", "[\"a\", \"b\"]", 1)]
    [InlineData(AssertionOperator.Contains, "\"b\"", "[\"a\", \"bc\"]", 0)]
    [InlineData(AssertionOperator.Contains, "42", "\"answer: 42\"", 1)]
    [InlineData(AssertionOperator.NotContains, "\"sorry\"", "\"Here you go\"", 1)]
    [InlineData(AssertionOperator.NotContains, "\"sorry\"", "\"I am sorry\"", 0)]
    // starts_with / ends_with.
    [InlineData(AssertionOperator.StartsWith, "\"Dear\"", "\"Dear customer\"", 1)]
    [InlineData(AssertionOperator.StartsWith, "\"Dear\"", "\" Dear customer\"", 0)]
    [InlineData(AssertionOperator.EndsWith, "\".\"", "\"Done.\"", 1)]
    [InlineData(AssertionOperator.EndsWith, "\".\"", "\"Done.\\n\"", 0)]
    // matches: regex search anywhere; anchors are the author's choice.
    [InlineData(AssertionOperator.Matches, "\"^[A-Z]{3}-\\\\d{4}$\"", "\"ABC-1234\"", 1)]
    [InlineData(AssertionOperator.Matches, "\"^[A-Z]{3}-\\\\d{4}$\"", "\"ABC-12345\"", 0)]
    [InlineData(AssertionOperator.Matches, "\"\\\\d+\"", "\"order 17 shipped\"", 1)]
    // contains_all / any / none.
    [InlineData(AssertionOperator.ContainsAll, "[\"a\", \"c\"]", "\"abc\"", 1)]
    [InlineData(AssertionOperator.ContainsAll, "[\"a\", \"d\"]", "\"abc\"", 0)]
    [InlineData(AssertionOperator.ContainsAll, "[1, 2]", "[3, 2, 1]", 1)]
    [InlineData(AssertionOperator.ContainsAny, "[\"x\", \"c\"]", "\"abc\"", 1)]
    [InlineData(AssertionOperator.ContainsAny, "[\"x\", \"y\"]", "\"abc\"", 0)]
    [InlineData(AssertionOperator.ContainsNone, "[\"x\", \"y\"]", "\"abc\"", 1)]
    [InlineData(AssertionOperator.ContainsNone, "[\"x\", \"b\"]", "\"abc\"", 0)]
    [InlineData(AssertionOperator.ContainsNone, "[\"x\"]", "[\"x\", \"y\"]", 0)]
    // is_empty / is_not_empty: absent, null, "", [], {}.
    [InlineData(AssertionOperator.IsEmpty, null, "\"\"", 1)]
    [InlineData(AssertionOperator.IsEmpty, null, "[]", 1)]
    [InlineData(AssertionOperator.IsEmpty, null, "{}", 1)]
    [InlineData(AssertionOperator.IsEmpty, null, null, 1)]
    [InlineData(AssertionOperator.IsEmpty, null, "\" \"", 0)]
    [InlineData(AssertionOperator.IsEmpty, null, "0", 0)]
    [InlineData(AssertionOperator.IsNotEmpty, null, "\"a\"", 1)]
    [InlineData(AssertionOperator.IsNotEmpty, null, "[]", 0)]
    [InlineData(AssertionOperator.IsNotEmpty, null, null, 0)]
    // is_json: structured value, or a string that parses as JSON.
    [InlineData(AssertionOperator.IsJson, null, "\"{\\\"a\\\": 1}\"", 1)]
    [InlineData(AssertionOperator.IsJson, null, "{\"a\": 1}", 1)]
    [InlineData(AssertionOperator.IsJson, null, "\"{\\\"a\\\": 1\"", 0)]
    [InlineData(AssertionOperator.IsJson, null, "\"hello\"", 0)]
    [InlineData(AssertionOperator.IsJson, null, null, 0)]
    // length_less_than / length_greater_than: code points, items, members.
    [InlineData(AssertionOperator.LengthLessThan, "5", "\"abcd\"", 1)]
    [InlineData(AssertionOperator.LengthLessThan, "5", "\"abcde\"", 0)]
    [InlineData(AssertionOperator.LengthLessThan, "2", "\"😀\"", 1)]
    [InlineData(AssertionOperator.LengthLessThan, "3", "[1, 2, 3]", 0)]
    [InlineData(AssertionOperator.LengthGreaterThan, "2", "[1, 2, 3]", 1)]
    [InlineData(AssertionOperator.LengthGreaterThan, "3", "[1, 2, 3]", 0)]
    [InlineData(AssertionOperator.LengthGreaterThan, "1", "{\"a\": 1, \"b\": 2}", 1)]
    [InlineData(AssertionOperator.LengthGreaterThan, "0", "\"\"", 0)]
    // is_numeric: numbers and strings holding a finite number.
    [InlineData(AssertionOperator.IsNumeric, null, "-3.5e2", 1)]
    [InlineData(AssertionOperator.IsNumeric, null, "\" 42 \"", 1)]
    [InlineData(AssertionOperator.IsNumeric, null, "\"42 apples\"", 0)]
    [InlineData(AssertionOperator.IsNumeric, null, "\"NaN\"", 0)]
    [InlineData(AssertionOperator.IsNumeric, null, "true", 0)]
    public void Operator_AtItsBoundaries(AssertionOperator op, string? expectedJson, string? responseJson, double score)
    {
        var result = Run(op, expectedJson, responseJson);

        Assert.Null(result.Error);
        Assert.Equal(score, result.Score);
        Assert.Equal("check", result.Metric);
        Assert.StartsWith(score == 1 ? "passed: " : "failed: ", result.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(AssertionOperator.GreaterThan, "1", "\"high\"", "response is a string; greater_than needs a number")]
    [InlineData(AssertionOperator.InRange, "[1, 5]", "[3]", "response is an array; in_range needs a number")]
    [InlineData(AssertionOperator.StartsWith, "\"a\"", "{\"a\": 1}", "response is an object; starts_with needs a string")]
    [InlineData(AssertionOperator.Contains, "\"a\"", "{\"a\": 1}", "response is an object; contains needs a string or an array")]
    [InlineData(AssertionOperator.NotContains, "\"a\"", "{\"b\": 1}", "response is an object")]
    [InlineData(AssertionOperator.LengthLessThan, "3", "12", "response is a number; length_less_than needs a string, array or object")]
    [InlineData(AssertionOperator.Matches, "\"x\"", null, "response is absent or null")]
    [InlineData(AssertionOperator.ContainsAny, "[{\"a\": 1}]", "\"text\"", "response is a string")]
    public void TypeMismatch_IsAFailWithAMessage_NotAnError(AssertionOperator op, string expectedJson, string? responseJson, string message)
    {
        var result = Run(op, expectedJson, responseJson);

        Assert.Null(result.Error);
        Assert.Equal(0, result.Score);
        Assert.Contains(message, result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExpectedFromContext_IsTheRecordsGroundTruth()
    {
        const string Context = """{"truth": {"label": "spam", "min": 3}}""";

        Assert.Equal(1, Run(AssertionOperator.EqualTo, "\"${context.truth.label}\"", "\"spam\"", contextJson: Context).Score);
        Assert.Equal(0, Run(AssertionOperator.EqualTo, "\"${context.truth.label}\"", "\"ham\"", contextJson: Context).Score);
        Assert.Equal(1, Run(AssertionOperator.GreaterThanOrEqual, "\"${context.truth.min}\"", "3", contextJson: Context).Score);
        var message = Run(AssertionOperator.EqualTo, "\"${context.truth.label}\"", "\"ham\"", contextJson: Context).Message;
        Assert.Contains("\"spam\" (from ${context.truth.label})", message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExpectedFromContext_Missing_IsMissingVariableWithNoScore()
    {
        var result = Run(AssertionOperator.EqualTo, "\"${context.label}\"", "\"spam\"", contextJson: """{"other": 1}""");

        Assert.Null(result.Score);
        Assert.Equal(LlmErrors.MissingVariable, result.Error);
        Assert.Contains("${context.label}", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Field_IntoAJsonStringResponse_ReadsTheEmbeddedDocument()
    {
        const string Response = "\"{\\\"label\\\": \\\"spam\\\", \\\"scores\\\": [0.1, 0.9]}\"";

        Assert.Equal(1, Run(AssertionOperator.EqualTo, "\"spam\"", Response, field: "response.label").Score);
        Assert.Equal(1, Run(AssertionOperator.GreaterThan, "0.5", Response, field: "response.scores[1]").Score);
        Assert.Equal(0, Run(AssertionOperator.EqualTo, "\"spam\"", "\"not json\"", field: "response.label").Score);
    }

    [Fact]
    public void Matches_CatastrophicPattern_TimesOutAsAnError()
    {
        var result = Run(AssertionOperator.Matches, "\"^(a+)+$\"", "\"" + new string('a', 5000) + "!\"");

        Assert.Null(result.Score);
        Assert.Equal(LlmErrors.RegexTimeout, result.Error);
    }

    [Fact]
    public void Profile_EvaluateAssertions_ScoresEachInOrder()
    {
        var profile = new LlmDriftProfile(new LlmDriftConfig { Space = "s", Name = "n" }, [],
        [
            new AssertionMetric("has_answer", 0.9, "response.answer", AssertionOperator.IsNotEmpty),
            new AssertionMetric("exact", 0.8, "response.answer", AssertionOperator.EqualTo, JsonValue.Create("${context.truth}")),
        ]);

        var results = profile.EvaluateAssertions(Records.Of("""{"answer": "42"}""", """{"truth": "41"}"""));

        Assert.Equal(["has_answer", "exact"], results.Select(r => r.Metric));
        Assert.Equal([1.0, 0.0], results.Select(r => r.Score!.Value));
    }
}
