using Scouter.Core.Tests.Drift;
using Scouter.Data;
using Scouter.Drift;
using Xunit;

namespace Scouter.Core.Tests;

public class DrifterTests
{
    private static PsiDriftConfig PsiConfig(double minPsi = 0.1) => new()
    {
        Space = "test", Name = "model",
        AlertConfig = new PsiAlertConfig { Threshold = PsiThreshold.ChiSquare(minPsi: minPsi) },
    };

    [Fact]
    public void PsiNumericFeature_EndToEnd_MatchesReferenceVectors()
    {
        var c = ReferenceVectors.Cases.GetProperty("psi_numeric_feature");
        var train = ColumnTable.FromColumns(new Dictionary<string, double[]> { ["x"] = c.GetProperty("baseline").NullableDoubles() });
        var live = ColumnTable.FromColumns(new Dictionary<string, double[]> { ["x"] = c.GetProperty("observed").NullableDoubles() });

        var profile = Drifter.CreatePsiProfile(train, PsiConfig());
        var feature = profile.Features["x"];
        Tolerance.Equal(c.GetProperty("edges").Doubles(), [.. feature.Edges!], "edges");
        Tolerance.Equal(c.GetProperty("baseline_proportions_missing_first").Doubles(), feature.BaselineWithPseudoBins(), "baseline proportions");

        var drift = Drifter.ComputeDrift(profile, live).Features["x"];
        Tolerance.Equal(c.GetProperty("psi").GetDouble(), drift.Psi, "psi");
        var observed = c.GetProperty("observed_proportions_missing_first").Doubles();
        Tolerance.Equal(observed, [.. drift.ObservedCounts.Select(n => (double)n / drift.N)], "observed proportions");
    }

    [Fact]
    public void PsiCategoricalFeature_EndToEnd_MatchesReferenceVectors()
    {
        var c = ReferenceVectors.Cases.GetProperty("psi_categorical_feature");
        string?[] Column(string name) => c.GetProperty(name).Strings();
        var train = ColumnTable.FromColumns(new Dictionary<string, string?[]> { ["color"] = Column("baseline") });
        var live = ColumnTable.FromColumns(new Dictionary<string, string?[]> { ["color"] = Column("observed") });

        var profile = Drifter.CreatePsiProfile(train, PsiConfig());
        var feature = profile.Features["color"];
        Assert.Equal(c.GetProperty("categories").Strings(), feature.Categories);
        Tolerance.Equal(c.GetProperty("baseline_proportions_missing_unseen_first").Doubles(), feature.BaselineWithPseudoBins(), "baseline proportions");

        var drift = Drifter.ComputeDrift(profile, live).Features["color"];
        Tolerance.Equal(c.GetProperty("psi").GetDouble(), drift.Psi, "psi");
    }

    [Fact]
    public void SpcBaseline_EndToEnd_MatchesReferenceVectorsOnBothScales()
    {
        var c = ReferenceVectors.Cases.GetProperty("spc_baseline");
        var table = ColumnTable.FromColumns(new Dictionary<string, double[]> { ["v"] = c.GetProperty("values").Doubles() });
        var sampleSize = c.GetProperty("sample_size").GetInt32();

        var observation = Drifter.CreateSpcProfile(table, new SpcDriftConfig { Space = "s", Name = "n", SampleSize = sampleSize }).Features["v"];
        var sampleMean = Drifter.CreateSpcProfile(table, new SpcDriftConfig { Space = "s", Name = "n", SampleSize = sampleSize, LimitScale = SpcLimitScale.SampleMean }).Features["v"];

        Tolerance.Equal(c.GetProperty("center").GetDouble(), observation.Center, "center");
        Tolerance.Equal(c.GetProperty("sigma_observation").GetDouble(), observation.Sigma, "sigma (observation)");
        Tolerance.Equal(c.GetProperty("sigma_sample_mean").GetDouble(), sampleMean.Sigma, "sigma (sample mean)");
        Tolerance.Equal(c.GetProperty("center").GetDouble() + (3 * observation.Sigma), observation.ThreeUcl, "3-sigma UCL");
    }

    [Fact]
    public void Spc_ComputeDrift_ShiftedSamplesAlertConsecutiveAndOutOfBounds()
    {
        // Baseline: alternating 9/11 gives center 10 and a known spread; live: every sample mean is 14.
        var baseline = Enumerable.Range(0, 100).Select(i => i % 2 == 0 ? 9.0 : 11.0).ToArray();
        var config = new SpcDriftConfig { Space = "s", Name = "n", SampleSize = 4, LimitScale = SpcLimitScale.SampleMean };
        var profile = Drifter.CreateSpcProfile(ColumnTable.FromColumns(new Dictionary<string, double[]> { ["v"] = baseline }), config);
        Assert.Equal(10.0, profile.Features["v"].Center);

        var live = Enumerable.Repeat(14.0, 40).Concat([double.NaN, double.PositiveInfinity]).ToArray();
        var drift = Drifter.ComputeDrift(profile, ColumnTable.FromColumns(new Dictionary<string, double[]> { ["v"] = live })).Features["v"];

        Assert.Equal(10, drift.Means.Count);
        Assert.All(drift.Means, m => Assert.Equal(14.0, m));
        Assert.All(drift.Codes, code => Assert.Equal(4, code));
        Assert.Contains(drift.Alerts, a => a.Zone == 4 && a.Kind == SpcAlertKind.OutOfBounds);
        Assert.Contains(drift.Alerts, a => a.Zone == 1 && a.Kind == SpcAlertKind.Consecutive);
        Assert.DoesNotContain(drift.Alerts, a => a.Kind == SpcAlertKind.Trend);
    }

    [Fact]
    public void Psi_Spec15Example_AlertsOnlyWithoutTheFloor()
    {
        // Ten baseline bins of 0.1 each (values 0..9 once per 10 rows); observed counts [40,45,50,55,60,50,50,50,50,100].
        var baseline = Enumerable.Range(0, 1000).Select(i => (double)(i % 10)).ToArray();
        int[] counts = [40, 45, 50, 55, 60, 50, 50, 50, 50, 100];
        var observed = counts.SelectMany((n, bin) => Enumerable.Repeat((double)bin, n)).ToArray();
        var train = ColumnTable.FromColumns(new Dictionary<string, double[]> { ["x"] = baseline });
        var live = ColumnTable.FromColumns(new Dictionary<string, double[]> { ["x"] = observed });
        var binning = new PsiDriftConfig { Space = "s", Name = "n" }.Binning;
        Assert.Equal(BinningKind.Quantile, binning.Kind);

        var floored = Drifter.ComputeDrift(Drifter.CreatePsiProfile(train, PsiConfig()), live).Features["x"];
        var statistical = Drifter.ComputeDrift(Drifter.CreatePsiProfile(train, PsiConfig(minPsi: 0)), live).Features["x"];

        Assert.Equal(550, floored.N);
        Assert.Equal(10, floored.Bins);
        Assert.Equal(0.0663708896444, floored.Psi, 12);
        Assert.Equal(0.0307617774629, floored.StatisticalThreshold, 12);
        Assert.Equal(0.1, floored.Threshold);
        Assert.False(floored.Alert);
        Assert.Null(floored.Severity);
        Assert.True(statistical.Alert);
        Assert.Equal(AlertSeverity.Warning, statistical.Severity);
        Assert.Equal(0.0307617774629, statistical.Threshold, 12);
    }

    [Fact]
    public void Psi_FewerThanTenPerBin_IsInsufficientDataNotAlert()
    {
        var train = ColumnTable.FromColumns(new Dictionary<string, double[]> { ["x"] = [.. Enumerable.Range(0, 100).Select(i => (double)i)] });
        var profile = Drifter.CreatePsiProfile(train, PsiConfig());
        var live = ColumnTable.FromColumns(new Dictionary<string, double[]> { ["x"] = [.. Enumerable.Repeat(1000.0, 99)] });

        var drift = Drifter.ComputeDrift(profile, live).Features["x"];

        Assert.Equal(DriftStatus.InsufficientData, drift.Status);
        Assert.False(drift.Alert);
        Assert.True(drift.Psi > 1, "the PSI itself is still reported");
    }

    [Fact]
    public void Psi_OneValueBin_UsesTheMinPsiFloorAsThreshold()
    {
        var train = ColumnTable.FromColumns(new Dictionary<string, double[]> { ["c"] = [.. Enumerable.Repeat(5.0, 50)] });
        var profile = Drifter.CreatePsiProfile(train, new PsiDriftConfig { Space = "s", Name = "n", Binning = BinningStrategy.EqualWidth() });
        Assert.Equal(1, profile.Features["c"].BinCount);
        var live = ColumnTable.FromColumns(new Dictionary<string, double[]> { ["c"] = [.. Enumerable.Repeat(5.0, 30).Concat(Enumerable.Repeat(double.NaN, 20))] });

        var drift = Drifter.ComputeDrift(profile, live).Features["c"];

        Assert.True(double.IsPositiveInfinity(drift.StatisticalThreshold));
        Assert.Equal(0.1, drift.Threshold);
        Assert.True(drift.Alert, "a jump in missing values drifts a one-bin feature");
    }

    private sealed record Applicant(double Age, int? Accounts, string Region, bool Employed, DateTime Seen);

    [Fact]
    public void CreatePsiProfile_FromObjects_TypesMembersAndReportsProgress()
    {
        var rows = Enumerable.Range(0, 200).Select(i => new Applicant(20 + (i % 50), i % 7 == 0 ? null : i % 5, i % 3 == 0 ? "north" : "south", i % 2 == 0, DateTime.UnixEpoch));
        var reports = new List<FeatureProgress>();
        var progress = new SynchronousProgress<FeatureProgress>(reports.Add);

        var profile = Drifter.CreatePsiProfile(rows, PsiConfig(), progress, TestContext.Current.CancellationToken);

        Assert.Equal(["Age", "Accounts", "Region", "Employed"], profile.Features.Keys);
        Assert.Equal(FeatureKind.Numeric, profile.Features["Accounts"].Kind);
        Assert.Equal(29, profile.Features["Accounts"].MissingCount);
        Assert.Equal(["false", "true"], profile.Features["Employed"].Categories);
        Assert.Equal(4, reports.Count);
        Assert.Equal([1, 2, 3, 4], reports.Select(r => r.Completed).Order());
        Assert.All(reports, r => Assert.Equal(4, r.Total));
    }

    [Fact]
    public void CreatePsiProfile_CategoricalFeatureNotInInput_NamesIt()
    {
        var table = ColumnTable.FromColumns(new Dictionary<string, double[]> { ["x"] = [1, 2, 3] });
        var ex = Assert.Throws<ScouterDataException>(() => Drifter.CreatePsiProfile(table, new PsiDriftConfig { Space = "s", Name = "n", CategoricalFeatures = ["zip"] }));
        Assert.Equal("zip", ex.Column);
    }

    [Fact]
    public void CreateSpcProfile_CategoricalFeature_IsAnErrorNamingIt()
    {
        var table = new ColumnTable.Builder().AddNumeric("x", [.. Enumerable.Range(0, 50).Select(i => (double)i)]).AddCategorical("color", [.. Enumerable.Repeat("red", 50)]).Build();
        var ex = Assert.Throws<ScouterDataException>(() => Drifter.CreateSpcProfile(table, new SpcDriftConfig { Space = "s", Name = "n", FeaturesToMonitor = ["x", "color"] }));
        Assert.Equal("color", ex.Column);
        Assert.Contains("numeric", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreatePsiProfile_Cancelled_Throws()
    {
        var table = ColumnTable.FromColumns(new Dictionary<string, double[]> { ["x"] = [1, 2, 3] });
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => Drifter.CreatePsiProfile(table, PsiConfig(), cancellationToken: cts.Token));
    }

    [Fact]
    public void CustomAndLlmProfiles_NeedNoData()
    {
        var custom = Drifter.CreateCustomProfile(new CustomMetricDriftConfig { Space = "s", Name = "n" }, [new CustomMetric("mae", 0.5, AlertThreshold.Above, 0.1)]);
        Assert.True(custom.Metrics[0].IsAlert(0.61));
        Assert.False(custom.Metrics[0].IsAlert(0.6));

        var llm = Drifter.CreateLlmProfile(new LlmDriftConfig { Space = "s", Name = "n" }, [new LlmMetric("relevance", 4, "Score ${response} for ${input}")]);
        Assert.True(llm.Metrics[0].IsAlert(3.9));
        var ex = Assert.Throws<ScouterConfigException>(() => new LlmMetric("x", 1, "Use ${answer}"));
        Assert.Contains("${answer}", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Reports on the calling thread, unlike <see cref="Progress{T}"/>, so the test sees every report before asserting.</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        private readonly Lock _gate = new();

        public void Report(T value)
        {
            lock (_gate) report(value);
        }
    }
}
