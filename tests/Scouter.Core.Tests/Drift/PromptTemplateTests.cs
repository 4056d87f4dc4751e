using Scouter.Drift;
using Xunit;

namespace Scouter.Core.Tests.Drift;

public sealed class PromptTemplateTests
{
    private static readonly Dictionary<string, string> NoContext = new(StringComparer.Ordinal);

    [Fact]
    public void Render_SubstitutesEveryPlaceholder()
    {
        var template = PromptTemplate.Parse("Q: ${input}\nA: ${response}\nSys: ${prompt}\nUser ${context.user_id} (${context.tier}), again ${context.user_id}. Costs $5 {ok}");

        var text = template.Render("2+2?", "4", "be terse", new Dictionary<string, string>(StringComparer.Ordinal) { ["user_id"] = "u1", ["tier"] = "gold" });

        Assert.Equal("Q: 2+2?\nA: 4\nSys: be terse\nUser u1 (gold), again u1. Costs $5 {ok}", text);
        Assert.Equal(["user_id", "tier"], template.ContextKeys);
        Assert.True(template.UsesPrompt);
    }

    [Fact]
    public void Render_InsertsValuesVerbatim()
    {
        var template = PromptTemplate.Parse("[${input}]");

        Assert.Equal("[${response}]", template.Render("${response}", "r", null, NoContext));
        Assert.False(template.UsesPrompt);
    }

    [Theory]
    [InlineData("Score ${output}", "${output}")]
    [InlineData("Score ${Input}", "${Input}")]
    [InlineData("Score ${ input }", "${ input }")]
    [InlineData("Score ${context.}", "${context.}")]
    [InlineData("Score ${}", "${}")]
    [InlineData("Score ${context}", "${context}")]
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
    public void Render_MissingContextKey_ThrowsNamingKey()
    {
        var template = PromptTemplate.Parse("${context.locale}: ${input}");

        var error = Assert.Throws<ArgumentException>(() => template.Render("i", "r", null, NoContext));

        Assert.Contains("locale", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_PromptPlaceholderWithoutPrompt_Throws()
    {
        var template = PromptTemplate.Parse("${prompt}");

        Assert.Throws<ArgumentException>(() => template.Render("i", "r", null, NoContext));
    }
}
