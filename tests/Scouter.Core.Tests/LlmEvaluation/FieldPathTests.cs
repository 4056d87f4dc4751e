using Scouter.LlmEvaluation;
using Xunit;

namespace Scouter.Core.Tests.LlmEvaluation;

public sealed class FieldPathTests
{
    [Theory]
    [InlineData("input", FieldRoot.Input, null, 0)]
    [InlineData("response", FieldRoot.Response, null, 0)]
    [InlineData("prompt", FieldRoot.Prompt, null, 0)]
    [InlineData("context.label", FieldRoot.Context, "label", 0)]
    [InlineData("context.user-id", FieldRoot.Context, "user-id", 0)]
    [InlineData("context.a.b", FieldRoot.Context, "a", 1)]
    [InlineData("response.items[0].name", FieldRoot.Response, null, 3)]
    [InlineData("response[12][3]", FieldRoot.Response, null, 2)]
    public void Parse_ValidPaths(string text, FieldRoot root, string? key, int depth)
    {
        var path = FieldPath.Parse(text, "f");

        Assert.Equal(root, path.Root);
        Assert.Equal(key, path.ContextKey);
        Assert.Equal(depth, path.Depth);
        Assert.Equal(text, path.Text);
    }

    [Theory]
    [InlineData("", "a path is required")]
    [InlineData("output", "starts with input, response, prompt or context.KEY")]
    [InlineData("Response", "starts with input, response, prompt or context.KEY")]
    [InlineData("context", "context needs a key")]
    [InlineData("context.", "expected a context key")]
    [InlineData("response.", "expected a name after '.'")]
    [InlineData("response..a", "expected a name after '.'")]
    [InlineData("response[]", "expected an index")]
    [InlineData("response[-1]", "expected an index")]
    [InlineData("response[1", "expected an index")]
    [InlineData("response[99999999999]", "expected an index")]
    [InlineData("response a", "expected '.name' or '[index]'")]
    [InlineData("response]", "expected '.name' or '[index]'")]
    public void Parse_Invalid_ThrowsNamingTheField(string text, string reason)
    {
        var error = Assert.Throws<ScouterConfigException>(() => FieldPath.Parse(text, "assertions.exact.field"));

        Assert.Equal("assertions.exact.field", error.ParamName);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_AtTheDepthLimit_Works_OneMoreStep_Throws()
    {
        var deepest = "response" + string.Concat(Enumerable.Repeat(".a", 32));

        Assert.Equal(32, FieldPath.Parse(deepest, "f").Depth);
        var error = Assert.Throws<ScouterConfigException>(() => FieldPath.Parse(deepest + "[0]", "f"));
        Assert.Contains("at most 32 steps", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_AtTheLengthLimit_Works_OneMoreCharacter_Throws()
    {
        var longest = "context." + new string('k', 256 - "context.".Length);

        Assert.Equal(256, FieldPath.Parse(longest, "f").Text.Length);
        var error = Assert.Throws<ScouterConfigException>(() => FieldPath.Parse(longest + "k", "f"));
        Assert.Contains("at most 256 characters (this one has 257)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryResolve_ContextKeyIsTheFirstSegment_ThenJson()
    {
        var record = Records.Of("\"r\"", """{"a": {"b": [10, {"c": "deep"}]}, "a.b": "flat"}""");

        Assert.True(FieldPath.Parse("context.a.b[1].c", "f").TryResolve(record, out var value));
        Assert.Equal("deep", value.GetValue<string>());
        Assert.False(FieldPath.Parse("context.a.x", "f").TryResolve(record, out _));
    }
}
