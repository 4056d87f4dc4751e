using Scouter.LlmEvaluation;
using Xunit;

namespace Scouter.Core.Tests.LlmEvaluation;

public sealed class PromptRenderingTests
{
    [Theory]
    // Strings raw, without quotes; escapes decoded.
    [InlineData("A: ${response}", "\"Paris\"", null, "A: Paris")]
    [InlineData("A: ${response}", "\"say \\\"hi\\\"\\n\"", null, "A: say \"hi\"\n")]
    // Numbers as their JSON text, booleans as true/false.
    [InlineData("${response}", "4", null, "4")]
    [InlineData("${response}", "4.50", null, "4.50")]
    [InlineData("${response}", "-1e-7", null, "-1e-7")]
    [InlineData("${response}", "true", null, "true")]
    [InlineData("${response}", "false", null, "false")]
    // Objects and arrays as compact JSON, non-ASCII kept readable.
    [InlineData("${response}", "{ \"a\" : 1, \"b\" : [ 1, 2 ] }", null, "{\"a\":1,\"b\":[1,2]}")]
    [InlineData("${response}", "[ \"x\", \"y\" ]", null, "[\"x\",\"y\"]")]
    [InlineData("${response}", "{\"city\": \"Zürich\", \"q\": \"a\\\"b\"}", null, "{\"city\":\"Zürich\",\"q\":\"a\\\"b\"}")]
    // Dotted paths and indexes into context and response.
    [InlineData("${context.user.name} (${context.user.age})", "\"r\"", "{\"user\": {\"name\": \"Ana\", \"age\": 41}}", "Ana (41)")]
    [InlineData("${context.items[1]}", "\"r\"", "{\"items\": [\"first\", \"second\"]}", "second")]
    [InlineData("${context.rows[0].id}", "\"r\"", "{\"rows\": [{\"id\": 7}]}", "7")]
    [InlineData("${context.user}", "\"r\"", "{\"user\": {\"name\": \"Ana\"}}", "{\"name\":\"Ana\"}")]
    // A JSON string holding JSON is navigable.
    [InlineData("${response.answer}", "\"{\\\"answer\\\": \\\"42\\\"}\"", null, "42")]
    [InlineData("${response}", "\"{\\\"answer\\\": \\\"42\\\"}\"", null, "{\"answer\": \"42\"}")]
    // Values are never re-expanded.
    [InlineData("[${response}] ${input}", "\"${input} ${context.x}\"", null, "[${input} ${context.x}] the input")]
    public void Render_Table(string template, string responseJson, string? contextJson, string expected)
    {
        var metric = new LlmMetric("m", 3, template);

        var result = metric.RenderPrompt(Records.Of(responseJson, contextJson));

        Assert.Null(result.Error);
        Assert.Equal(expected, result.Text);
    }

    [Fact]
    public void Render_DoubleFromCode_IsInvariantRoundTripText()
    {
        var record = new LlmRecord("i", 0.1 + 0.2, new Dictionary<string, object?> { ["n"] = 1234567.5, ["flag"] = true });

        var result = new LlmMetric("m", 3, "${response} ${context.n} ${context.flag}").RenderPrompt(record);

        Assert.Equal("0.30000000000000004 1234567.5 true", result.Text);
    }

    [Theory]
    [InlineData("${response}", null, null, "${response}")]
    [InlineData("${response}", "null", null, "${response}")]
    [InlineData("${prompt}", "\"r\"", null, "${prompt}")]
    [InlineData("ok ${context.k}", "\"r\"", "{\"other\": 1}", "${context.k}")]
    [InlineData("${context.k}", "\"r\"", "{\"k\": null}", "${context.k}")]
    [InlineData("${context.user.age}", "\"r\"", "{\"user\": {\"name\": \"Ana\"}}", "${context.user.age}")]
    [InlineData("${context.items[2]}", "\"r\"", "{\"items\": [1, 2]}", "${context.items[2]}")]
    [InlineData("${response.a}", "\"plain text\"", null, "${response.a}")]
    [InlineData("${response.a}", "5", null, "${response.a}")]
    [InlineData("${response[0]}", "{\"0\": 1}", null, "${response[0]}")]
    public void Render_MissingVariable_FailsNamingIt(string template, string? responseJson, string? contextJson, string variable)
    {
        var result = new LlmMetric("m", 3, template).RenderPrompt(Records.Of(responseJson, contextJson));

        Assert.False(result.Succeeded);
        Assert.Null(result.Text);
        Assert.Equal(LlmErrors.MissingVariable, result.Error);
        Assert.Equal($"the record has no value for {variable}", result.Message);
    }
}
