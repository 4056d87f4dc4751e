using System.Text.Json;
using Scouter.Server.Alerts;
using Scouter.Server.Storage;
using Scouter.Server.Tests.Fixtures;
using Xunit;

namespace Scouter.Server.Tests.Jobs;

public class DriftCheckTests
{
    private static async Task<JsonElement> LatestResultAsync(JobsHarness h, Guid uid) =>
        JsonDocument.Parse((await h.Store.ListChecksAsync(uid, null, null, 1, 0))[0].ResultJson).RootElement;

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    public async Task Custom_ObservedIsCountWeightedMeanOverTheHalfOpenWindow(SqlDialect dialect)
    {
        await using var h = await JobsHarness.CreateAsync(dialect);
        var uid = await Seed.ProfileAsync(h.Database, Seed.Custom("p", baseline: 10, delta: 1), Seed.T0, lastCheckedSlot: Seed.T0.AddSeconds(-5));
        await Seed.CustomAsync(h.Database, uid, "accuracy", Seed.T0.AddSeconds(-5), 1000, 1); // == previous slot: excluded
        await Seed.CustomAsync(h.Database, uid, "accuracy", Seed.T0.AddSeconds(-4), 9, 1);
        await Seed.CustomAsync(h.Database, uid, "accuracy", Seed.T0.AddSeconds(5), 16, 2); // == slot: included
        await Seed.CustomAsync(h.Database, uid, "accuracy", Seed.T0.AddSeconds(6), -1000, 1); // after the slot: next window
        h.Time.Advance(TimeSpan.FromSeconds(7));

        await h.Runner().RunDueAsync();

        // Spec 3: (9 + 16) / (1 + 2) = 8.333..., below baseline 10 - delta 1: an alert.
        var metric = (await LatestResultAsync(h, uid)).GetProperty("metrics").GetProperty("accuracy");
        Assert.Equal(8.333333333333334, metric.GetProperty("observed").GetDouble(), 12);
        Assert.Equal(3, metric.GetProperty("n").GetInt64());
        Assert.Equal("alert", metric.GetProperty("decision").GetString());
        var alert = Assert.Single((await h.Alerts.ListAsync(new AlertQuery(uid, null, null, null, null, 1, 10))).Items);
        Assert.Equal(("accuracy", "custom", AlertStatus.Firing, NotifyKind.Fire), (alert.FeatureOrMetric, alert.Kind, alert.Status, alert.NotifyPending));
    }

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    public async Task Psi_MatchesSpecFormulaAndChiSquareThreshold(SqlDialect dialect)
    {
        await using var h = await JobsHarness.CreateAsync(dialect);
        var uid = await Seed.ProfileAsync(h.Database, Seed.Psi("p", PsiThreshold.ChiSquare(minPsi: 0)), Seed.T0);
        // Two batches in the window; counts are summed per bin.
        await Seed.PsiAsync(h.Database, uid, "x", Seed.T0.AddSeconds(1), new Dictionary<int, long> { [1] = 30, [2] = 10, [3] = 10, [4] = 10 });
        await Seed.PsiAsync(h.Database, uid, "x", Seed.T0.AddSeconds(2), new Dictionary<int, long> { [1] = 10, [2] = 10, [3] = 10, [4] = 10 });
        h.Time.Advance(TimeSpan.FromSeconds(6));

        await h.Runner().RunDueAsync();

        // Spec 1.3 and 1.4, computed independently: p = [missing 0, 0.25 x 4], q = [0, 0.4, 0.2, 0.2, 0.2];
        // chi-square threshold χ²_0.95(3) / N = 7.814727903251178 / 100.
        var feature = (await LatestResultAsync(h, uid)).GetProperty("features").GetProperty("x");
        Assert.Equal(0.10397207704649179, feature.GetProperty("psi").GetDouble(), 12);
        Assert.Equal(0.07814727903251178, feature.GetProperty("statistical_threshold").GetDouble(), 12);
        Assert.Equal(100, feature.GetProperty("n").GetInt64());
        Assert.Equal(4, feature.GetProperty("bins").GetInt32());
        Assert.Equal("alert", feature.GetProperty("decision").GetString());
        var alert = Assert.Single((await h.Alerts.ListAsync(new AlertQuery(uid, null, null, null, null, 1, 10))).Items);
        Assert.Equal(("x", "psi", "warning"), (alert.FeatureOrMetric, alert.Kind, alert.Severity)); // PSI < 0.25
    }

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    public async Task Psi_AtOrAboveQuarter_IsACriticalAlert(SqlDialect dialect)
    {
        await using var h = await JobsHarness.CreateAsync(dialect);
        var uid = await Seed.ProfileAsync(h.Database, Seed.Psi("p", PsiThreshold.ChiSquare()), Seed.T0);
        await Seed.PsiAsync(h.Database, uid, "x", Seed.T0.AddSeconds(1), new Dictionary<int, long> { [1] = 70, [2] = 10, [3] = 10, [4] = 10 });
        h.Time.Advance(TimeSpan.FromSeconds(6));

        await h.Runner().RunDueAsync();

        // Spec 1.3: p = [0, 0.25 x 4], q = [0, 0.7, 0.1, 0.1, 0.1] gives 0.8757, above the default min_psi 0.1 and >= 0.25.
        var feature = (await LatestResultAsync(h, uid)).GetProperty("features").GetProperty("x");
        Assert.Equal(0.8756595666891767, feature.GetProperty("psi").GetDouble(), 12);
        Assert.Equal("alert", feature.GetProperty("decision").GetString());
        var alert = Assert.Single((await h.Alerts.ListAsync(new AlertQuery(uid, null, null, null, null, 1, 10))).Items);
        Assert.Equal(("x", "psi", "critical"), (alert.FeatureOrMetric, alert.Kind, alert.Severity));
    }

    [Fact]
    public async Task Psi_SpecReferenceTenBins_AlertsOnlyWithoutTheEffectSizeFloor()
    {
        // Spec 1.5: ten baseline bins of 0.1, observed [40,45,50,55,60,50,50,50,50,100] (N = 550):
        // PSI 0.06637088964444515, chi-square threshold 0.03076177746294627 (reference vectors).
        double[] edges = [1, 2, 3, 4, 5, 6, 7, 8, 9];
        long[] observed = [40, 45, 50, 55, 60, 50, 50, 50, 50, 100];
        PsiDriftProfile Profile(string name, double minPsi) => new(
            new PsiDriftConfig { Space = "team", Name = name, AlertConfig = new PsiAlertConfig { Schedule = "*/5 * * * * *", Threshold = PsiThreshold.ChiSquare(minPsi: minPsi) } },
            new Dictionary<string, PsiFeatureProfile> { ["x"] = new(FeatureKind.Numeric, edges, null, [.. Enumerable.Repeat(0.1, 10)], 0, 1000, 0) });
        await using var h = await JobsHarness.CreateAsync(SqlDialect.Sqlite);
        var strict = await Seed.ProfileAsync(h.Database, Profile("strict", 0), Seed.T0);
        var floored = await Seed.ProfileAsync(h.Database, Profile("floored", 0.1), Seed.T0);
        var counts = observed.Select((c, i) => (Bin: i + 1, Count: c)).ToDictionary(x => x.Bin, x => x.Count);
        await Seed.PsiAsync(h.Database, strict, "x", Seed.T0.AddSeconds(1), counts);
        await Seed.PsiAsync(h.Database, floored, "x", Seed.T0.AddSeconds(1), counts);
        h.Time.Advance(TimeSpan.FromSeconds(6));

        await h.Runner().RunDueAsync();

        foreach (var uid in new[] { strict, floored })
        {
            var feature = (await LatestResultAsync(h, uid)).GetProperty("features").GetProperty("x");
            Assert.Equal(0.06637088964444515, feature.GetProperty("psi").GetDouble(), 1e-9 * 0.06637088964444515);
            Assert.Equal(0.03076177746294627, feature.GetProperty("statistical_threshold").GetDouble(), 1e-9 * 0.03076177746294627);
            Assert.Equal(550, feature.GetProperty("n").GetInt64());
        }
        Assert.Equal("alert", (await LatestResultAsync(h, strict)).GetProperty("features").GetProperty("x").GetProperty("decision").GetString());
        Assert.Equal("no_alert", (await LatestResultAsync(h, floored)).GetProperty("features").GetProperty("x").GetProperty("decision").GetString());
        var alert = Assert.Single((await h.Alerts.ListAsync(new AlertQuery(strict, null, null, null, null, 1, 10))).Items);
        Assert.Equal("warning", alert.Severity);
        Assert.Empty((await h.Alerts.ListAsync(new AlertQuery(floored, null, null, null, null, 1, 10))).Items);
    }

    [Fact]
    public async Task Psi_BelowMinimumSample_IsInsufficientData_NotAnAlert()
    {
        await using var h = await JobsHarness.CreateAsync(SqlDialect.Sqlite);
        var uid = await Seed.ProfileAsync(h.Database, Seed.Psi("p", PsiThreshold.Fixed(0.01, 0)), Seed.T0);
        await Seed.PsiAsync(h.Database, uid, "x", Seed.T0.AddSeconds(-1), new Dictionary<int, long> { [1] = 39 }); // N < 10·B = 40
        h.Time.Advance(TimeSpan.FromSeconds(1));

        await h.Runner().RunDueAsync();

        var feature = (await LatestResultAsync(h, uid)).GetProperty("features").GetProperty("x");
        Assert.Equal("insufficient_data", feature.GetProperty("status").GetString());
        Assert.Equal(0, await Seed.CountAsync(h.Database, "select count(*) from alerts"));
    }

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    public async Task Spc_SampleBeyondThreeSigma_IsOutOfBoundsZone4Critical(SqlDialect dialect)
    {
        await using var h = await JobsHarness.CreateAsync(dialect);
        var uid = await Seed.ProfileAsync(h.Database, Seed.Spc("p"), Seed.T0);
        await Seed.SpcAsync(h.Database, uid, "x", Seed.T0.AddSeconds(-3), 10.5);
        await Seed.SpcAsync(h.Database, uid, "x", Seed.T0.AddSeconds(-2), 14.5);
        await Seed.SpcAsync(h.Database, uid, "x", Seed.T0.AddSeconds(-1), 10.2);
        h.Time.Advance(TimeSpan.FromSeconds(1));

        await h.Runner().RunDueAsync();

        var feature = (await LatestResultAsync(h, uid)).GetProperty("features").GetProperty("x");
        Assert.Equal([1, 4, 1], feature.GetProperty("codes").EnumerateArray().Select(c => c.GetInt32()));
        var alert = Assert.Single((await h.Alerts.ListAsync(new AlertQuery(uid, null, null, null, null, 1, 10))).Items);
        Assert.Equal(("x", "out_of_bounds", 4, "critical"), (alert.FeatureOrMetric, alert.Kind, alert.Zone, alert.Severity));
    }

    [Fact]
    public async Task Llm_MeanScore_AndNoData()
    {
        await using var h = await JobsHarness.CreateAsync(SqlDialect.Sqlite);
        var uid = await Seed.ProfileAsync(h.Database, Seed.Llm("p"), Seed.T0);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        await h.Runner().RunDueAsync();
        Assert.Equal("no_data", (await LatestResultAsync(h, uid)).GetProperty("metrics").GetProperty("relevance").GetProperty("status").GetString());
        Assert.Equal(0, await Seed.CountAsync(h.Database, "select count(*) from alerts"));

        await Seed.LlmScoreAsync(h.Database, uid, "relevance", Seed.T0.AddSeconds(2), 3);
        await Seed.LlmScoreAsync(h.Database, uid, "relevance", Seed.T0.AddSeconds(3), 4);
        h.Time.Advance(TimeSpan.FromSeconds(5));
        await h.Runner().RunDueAsync();

        var metric = (await LatestResultAsync(h, uid)).GetProperty("metrics").GetProperty("relevance");
        Assert.Equal(3.5, metric.GetProperty("observed").GetDouble());
        Assert.Equal("alert", metric.GetProperty("decision").GetString());
        Assert.Equal(1, await Seed.CountAsync(h.Database, "select count(*) from alerts where kind = 'llm'"));
    }

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    public async Task AlertLifecycle_FoundAgainUpdates_NoDataKeeps_GoneResolves(SqlDialect dialect)
    {
        await using var h = await JobsHarness.CreateAsync(dialect);
        var uid = await Seed.ProfileAsync(h.Database, Seed.Custom("p", baseline: 10), Seed.T0);
        await Seed.CustomAsync(h.Database, uid, "accuracy", Seed.T0.AddSeconds(-1), 5, 1);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        await h.Runner().RunDueAsync(); // slot 0: fires

        await Seed.CustomAsync(h.Database, uid, "accuracy", Seed.T0.AddSeconds(4), 6, 1);
        h.Time.Advance(TimeSpan.FromSeconds(5));
        await h.Runner().RunDueAsync(); // slot 5: found again
        h.Time.Advance(TimeSpan.FromSeconds(5));
        await h.Runner().RunDueAsync(); // slot 10: no data
        var open = Assert.Single((await h.Alerts.ListAsync(new AlertQuery(uid, null, null, null, null, 1, 10))).Items);
        Assert.Equal(AlertStatus.Firing, open.Status);
        Assert.Equal(6, JsonDocument.Parse(open.PayloadJson).RootElement.GetProperty("observed").GetDouble());

        await Seed.CustomAsync(h.Database, uid, "accuracy", Seed.T0.AddSeconds(14), 11, 1);
        h.Time.Advance(TimeSpan.FromSeconds(5));
        await h.Runner().RunDueAsync(); // slot 15: healthy

        var resolved = Assert.Single((await h.Alerts.ListAsync(new AlertQuery(uid, null, null, null, null, 1, 10))).Items);
        Assert.Equal(AlertStatus.Resolved, resolved.Status);
        Assert.Equal(NotifyKind.Resolve, resolved.NotifyPending);
        Assert.Equal(Seed.T0.AddSeconds(16), resolved.ResolvedAt);
        Assert.Equal(4, await Seed.CountAsync(h.Database, "select count(*) from check_runs"));
    }
}
