using Xunit;

namespace Scouter.Core.Tests.Records;

/// <summary>The one rule for reading a value of a numeric feature (Feature.AsNumber), and PSI binning by it.</summary>
public sealed class FeatureNumberRuleTests
{
    [Theory]
    [InlineData("4.5", FeatureValueKind.Number, 4.5)]
    [InlineData(" -1e3 ", FeatureValueKind.Number, -1000.0)]
    [InlineData("+7", FeatureValueKind.Number, 7.0)]
    [InlineData("NaN", FeatureValueKind.Missing, double.NaN)]
    [InlineData("-Infinity", FeatureValueKind.Missing, double.NaN)]
    [InlineData("inf", FeatureValueKind.Missing, double.NaN)]
    [InlineData("1e999", FeatureValueKind.Missing, double.NaN)]
    [InlineData("N/A", FeatureValueKind.Text, double.NaN)]
    [InlineData("3,5", FeatureValueKind.Text, double.NaN)]
    [InlineData("1 000", FeatureValueKind.Text, double.NaN)]
    public void AsNumber_OfText_ParsesInvariantNumbers_NaNSpellingsAreMissing_OtherTextIsNotANumber(string text, FeatureValueKind kind, double number)
    {
        Assert.Equal(kind, new Feature("x", text).AsNumber(out var value));
        Assert.Equal(number, value);
    }

    [Fact]
    public void AsNumber_OfNumbersAndMissingValues()
    {
        Assert.Equal(FeatureValueKind.Number, new Feature("x", 2.5).AsNumber(out var value));
        Assert.Equal(2.5, value);
        Assert.Equal(FeatureValueKind.Missing, new Feature("x", double.NaN).AsNumber(out _));
        Assert.Equal(FeatureValueKind.Missing, Feature.Missing("x").AsNumber(out _));
        Assert.Equal(FeatureValueKind.Text, new Feature("x", true).AsNumber(out _));
    }

    [Fact]
    public void NumericFeature_BinsNumberStringsAsNumbers_AndOtherTextAsMissing_NeverUnseen()
    {
        var feature = new PsiFeatureProfile(FeatureKind.Numeric, [10, 20], null, [0.3, 0.3, 0.3], 0.1, 10, 1);

        Assert.Equal(1, feature.BinOf("5"));
        Assert.Equal(2, feature.BinOf("20"));
        Assert.Equal(3, feature.BinOf("2.5e1"));
        Assert.Equal(PsiFeatureProfile.MissingBin, feature.BinOf("N/A"));
        Assert.Equal(PsiFeatureProfile.MissingBin, feature.BinOf("NaN"));
        Assert.Equal(PsiFeatureProfile.MissingBin, feature.BinOf(new Feature("x", "abc")));
        Assert.Equal(3, feature.BinOf(new Feature("x", "21")));
    }

    [Fact]
    public void CategoricalFeature_StillHasUnseenForUnknownCategories()
    {
        var feature = new PsiFeatureProfile(FeatureKind.Categorical, null, ["a", "b"], [0.5, 0.5], 0, 10, 0);
        Assert.Equal(PsiFeatureProfile.UnseenBin, feature.BinOf("N/A"));
        Assert.Equal(2, feature.BinOf(new Feature("c", "b")));
    }
}
