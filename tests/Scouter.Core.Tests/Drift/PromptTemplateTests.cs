using System.Text.Json.Nodes;
using Scouter.Drift;
using Scouter.LlmEvaluation;
using Xunit;

namespace Scouter.Core.Tests.Drift;

public sealed class PromptTemplateTests
{
    [Fact]
    public void Render_SubstitutesEveryPlaceholder()
    {
        var template = PromptTemplate.Parse("Q: ${input}\nA: ${response}\nSys: ${prompt}\nUser ${context.user_id} (${context.tier}), again ${context.user_id}. Costs $5 {ok}");
        var record = new LlmRecord("2+2?", "4", new Dictionary<string, object?> { ["user_id"] = "u1", ["tier"] = "gold" }, "be terse");

        var result = template.Render(record);

        Assert.Equal("Q: 2+2?\nA: 4\nSys: be terse\nUser u1 (gold), again u1. Costs $5 {ok}", result.Text);
        Assert.True(result.Succeeded);
        Assert.Equal(["user_id", "tier"], template.ContextKeys);
        Assert.True(template.UsesPrompt);
    }

    [Theory]
    [InlineData("Score ${output}", "${output}")]
    [InlineData("Score ${Input}", "${Input}")]
    [InlineData("Score ${ input }", "${ input }")]
    [InlineData("Score ${context.}", "${context.}")]
    [InlineData("Score ${}", "${}")]
    [InlineData("Score ${context}", "${context}")]
    [InlineData("Score ${response..a}", "${response..a}")]
    [InlineData("Score ${response[x]}", "${response[x]}")]
    public void Parse_UnknownPlaceholder_ThrowsNamingPlaceholder(string text, string placeholder)
    {
        var error = Assert.Throws<ScouterConfigException>(() => PromptTemplate.Parse(text));

        Assert.Equal("prompt", error.ParamName);
        Assert.Contains(placeholder, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnterminatedPlaceholder_Throws()
    {
        var error = Assert.Throws<ScouterConfigException>(() => PromptTemplate.Parse("Judge ${input and stop"));

        Assert.Equal("prompt", error.ParamName);
        Assert.Contains("${input and stop", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_InAMetric_NamesTheMetricsPromptField()
    {
        var error = Assert.Throws<ScouterConfigException>(() => new LlmMetric("relevance", 4, "Use ${answer}"));

        Assert.Equal("metrics.relevance.prompt", error.ParamName);
        Assert.Contains("${answer}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_MissingContextKey_IsMissingVariableNamingIt()
    {
        var template = PromptTemplate.Parse("${context.locale}: ${input}");

        var result = template.Render(new LlmRecord("i", "r"));

        Assert.False(result.Succeeded);
        Assert.Null(result.Text);
        Assert.Equal(LlmErrors.MissingVariable, result.Error);
        Assert.Contains("${context.locale}", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_PromptPlaceholderWithoutPrompt_IsMissingVariable()
    {
        var result = PromptTemplate.Parse("${prompt}").Render(new LlmRecord("i", "r"));

        Assert.Equal(LlmErrors.MissingVariable, result.Error);
        Assert.Contains("${prompt}", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_JsonNullValue_IsMissingVariable()
    {
        var record = new LlmRecord("i", JsonNode.Parse("""{"a": null}"""));

        var result = PromptTemplate.Parse("${response.a}").Render(record);

        Assert.Equal(LlmErrors.MissingVariable, result.Error);
    }
}
