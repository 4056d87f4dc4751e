using Scouter.Drift;
using Xunit;

namespace Scouter.Core.Tests.Drift;

public sealed class SpcRuleTests
{
    [Fact]
    public void Default_IsSpecRule()
    {
        var rule = SpcRule.Default;

        Assert.Equal("8 16 4 8 2 4 1 1", rule.ToString());
        Assert.Equal(8, rule.Consecutive(1));
        Assert.Equal(16, rule.Alternating(1));
        Assert.Equal(4, rule.Consecutive(2));
        Assert.Equal(8, rule.Alternating(2));
        Assert.Equal(2, rule.Consecutive(3));
        Assert.Equal(4, rule.Alternating(3));
        Assert.Equal(1, rule.Consecutive(4));
        Assert.Equal(1, rule.Alternating(4));
    }

    [Fact]
    public void Parse_EqualRules_AreEqualRecords()
    {
        Assert.Equal(SpcRule.Default, SpcRule.Parse("8 16 4 8 2 4 1 1"));
        Assert.Equal(SpcRule.Default.GetHashCode(), SpcRule.Parse("08 16 4 8 2 4 1 1").GetHashCode());
        Assert.NotEqual(SpcRule.Default, SpcRule.Parse("8 16 4 8 2 4 1 0"));
        Assert.Equal(0, SpcRule.Parse("0 0 0 0 0 0 0 0").Consecutive(4));
    }

    [Theory]
    [InlineData("")]
    [InlineData("8 16 4 8 2 4 1")]
    [InlineData("8 16 4 8 2 4 1 1 1")]
    [InlineData("8  16 4 8 2 4 1 1")]
    [InlineData(" 8 16 4 8 2 4 1 1")]
    [InlineData("8 16 4 8 2 4 1 1 ")]
    [InlineData("8\t16 4 8 2 4 1 1")]
    [InlineData("-8 16 4 8 2 4 1 1")]
    [InlineData("+8 16 4 8 2 4 1 1")]
    [InlineData("8.0 16 4 8 2 4 1 1")]
    [InlineData("8 16 4 8 2 4 1 x")]
    [InlineData("8 16 4 8 2 4 1 99999999999")]
    [InlineData("8,16,4,8,2,4,1,1")]
    public void Parse_Malformed_ThrowsNamingRule(string text)
    {
        var error = Assert.Throws<ScouterConfigException>(() => SpcRule.Parse(text));

        Assert.Equal("rule", error.ParamName);
        Assert.Equal(text, error.Value);
    }

    [Fact]
    public void Parse_Null_Throws()
    {
        Assert.Throws<ScouterConfigException>(() => SpcRule.Parse(null!));
    }

    [Fact]
    public void Consecutive_ZoneOutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SpcRule.Default.Consecutive(5));
        Assert.Throws<ArgumentOutOfRangeException>(() => SpcRule.Default.Alternating(0));
    }
}
