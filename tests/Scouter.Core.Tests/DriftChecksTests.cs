using Scouter.Data;
using Xunit;

namespace Scouter.Core.Tests;

public class DriftChecksTests
{
    [Fact]
    public void EvaluatePsi_FromBinCounts_EqualsLocalComputation()
    {
        var train = ColumnTable.FromColumns(new Dictionary<string, string?[]> { ["c"] = ["a", "a", "b", "c", null, "b", "a", "c", "c", "a"] });
        var profile = Drifter.CreatePsiProfile(train, new PsiDriftConfig { Space = "s", Name = "n" });
        string?[] observed = [.. Enumerable.Repeat("a", 30), .. Enumerable.Repeat("z", 10), .. Enumerable.Repeat<string?>(null, 5), .. Enumerable.Repeat("b", 15)];
        var local = Drifter.ComputeDrift(profile, ColumnTable.FromColumns(new Dictionary<string, string?[]> { ["c"] = observed })).Features["c"];

        // The same observation as a client queue ships it: bin id → count (a=1, b=2, c=3, missing=0, unseen=-1).
        var fromCounts = DriftChecks.EvaluatePsi(profile.Features["c"], new Dictionary<int, long> { [1] = 30, [-1] = 10, [0] = 5, [2] = 15 }, profile.Config.AlertConfig.Threshold);

        Assert.Equal(local.Psi, fromCounts.Psi);
        Assert.Equal(local.Threshold, fromCounts.Threshold);
        Assert.Equal(local.Alert, fromCounts.Alert);
        Assert.Equal(60, fromCounts.N);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(11)]
    public void EvaluatePsi_BinTheNumericFeatureLacks_Throws(int bin)
    {
        var train = ColumnTable.FromColumns(new Dictionary<string, double[]> { ["x"] = [.. Enumerable.Range(0, 100).Select(i => (double)i)] });
        var feature = Drifter.CreatePsiProfile(train, new PsiDriftConfig { Space = "s", Name = "n" }).Features["x"];
        var ex = Assert.Throws<ArgumentException>(() => DriftChecks.EvaluatePsi(feature, new Dictionary<int, long> { [bin] = 1 }, new PsiThreshold()));
        Assert.Contains(bin.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
    }
}
