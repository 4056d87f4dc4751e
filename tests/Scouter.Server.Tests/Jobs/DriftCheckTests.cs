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
    internal async Task Custom_ObservedIsCountWeightedMeanOverTheHalfOpenWindow(SqlDialect dialect)
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
    internal async Task Psi_MatchesSpecFormulaAndChiSquareThreshold(SqlDialect dialect)
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
    internal async Task Psi_AtOrAboveQuarter_IsACriticalAlert(SqlDialect dialect)
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
    internal async Task Spc_SampleBeyondThreeSigma_IsOutOfBoundsZone4Critical(SqlDialect dialect)
    {
        await using var h = await JobsHarness.CreateAsync(dialect);
        var uid = await Seed.ProfileAsync(h.Database, Seed.Spc("p"), Seed.T0);
        await Seed.SpcAsync(h.Database, uid, "x", Seed.T0.AddSeconds(-3), 10.5);
        await Seed.SpcAsync(h.Database, uid, "x", Seed.T0.AddSeconds(-2), 14.5);
        await Seed.SpcAsync(h.Database, uid, "x", Seed.T0.AddSeconds(-1), 10.2);
        h.Time.Advance(TimeSpan.FromSeconds(1));

        await h.Runner().RunDueAsync();

        var feature = (await LatestResultAsync(h, uid)).GetProperty("features").GetProperty("x");
        Assert.Equal([1, 4, 1], feature.GetProperty("last_samples").EnumerateArray().Select(s => s.GetProperty("code").GetInt32()));
        var alert = Assert.Single((await h.Alerts.ListAsync(new AlertQuery(uid, null, null, null, null, 1, 10))).Items);
        Assert.Equal(("x", "out_of_bounds", 4, "critical"), (alert.FeatureOrMetric, alert.Kind, alert.Zone, alert.Severity));
    }

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task Spc_EightInARowAboveTheCenter_IsARuleHitButNoAlert_AtAOnePercentFalseAlarmRate(SqlDialect dialect)
    {
        await using var h = await JobsHarness.CreateAsync(dialect);
        var uid = await Seed.ProfileAsync(h.Database, Seed.Spc("p"), Seed.T0);
        // Observation-scale limits (center 10, sigma 1): in-distribution means of 25 values sit within ±0.2 sigma, above the
        // center half of the time. Ten in a row above it fire the configured zone-1 rule (8); for 20 samples (calibrated as 32)
        // and 7 rules (no trend) the calibrated rule needs 14: a run of 13 signs in 32 fair coin flips has probability ~0.0026 > 0.01 / 7.
        double[] means = [10.1, 10.05, 10.2, 10.1, 10.15, 10.1, 10.05, 10.1, 10.2, 10.1, 9.9, 10.1, 9.95, 10.05, 9.9, 10.1, 9.8, 10.1, 9.9, 10.05];
        await Seed.SpcManyAsync(h.Database, uid, "x", means.Select((m, i) => (Seed.T0.AddSeconds(-30 + i), m)));
        h.Time.Advance(TimeSpan.FromSeconds(1));

        await h.Runner().RunDueAsync();

        var feature = (await LatestResultAsync(h, uid)).GetProperty("features").GetProperty("x");
        Assert.Contains(feature.GetProperty("rule_alerts").EnumerateArray(), r => r.GetProperty("kind").GetString() == "consecutive" && r.GetProperty("zone").GetInt32() == 1);
        Assert.Equal("no_alert", feature.GetProperty("decision").GetString());
        Assert.Empty(feature.GetProperty("decision_alerts").EnumerateArray());
        var calibration = feature.GetProperty("calibration");
        Assert.Equal(0.01, calibration.GetProperty("false_alarm_rate").GetDouble());
        Assert.Equal(32, calibration.GetProperty("samples").GetInt64());
        Assert.Equal("14 16 4 8 2 4 1 1", calibration.GetProperty("rule").GetString());
        Assert.Empty((await h.Alerts.ListAsync(new AlertQuery(uid, null, null, null, null, 1, 10))).Items);
    }

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task Spc_Result_IsASummary_RunsCountedWithFirstAndLastRun(SqlDialect dialect)
    {
        await using var h = await JobsHarness.CreateAsync(dialect);
        var uid = await Seed.ProfileAsync(h.Database, Seed.Spc("p"), Seed.T0);
        // Center 10, sigma 1, rule "8 16 4 8 2 4 1 1", no trend. Codes: 1 1 4 1 -1 4 4 -1 1 -4 1 1 1 1.
        double[] means = [10.5, 10.5, 14.5, 10.5, 9.5, 14.5, 14.6, 9.5, 10.5, 5.0, 10.2, 10.3, 10.4, 10.5];
        var times = means.Select((_, i) => Seed.T0.AddSeconds(-20 + i)).ToArray();
        await Seed.SpcManyAsync(h.Database, uid, "x", times.Zip(means));
        h.Time.Advance(TimeSpan.FromSeconds(1));

        await h.Runner().RunDueAsync();

        var feature = (await LatestResultAsync(h, uid)).GetProperty("features").GetProperty("x");
        Assert.Equal(("ok", "alert", 14), (feature.GetProperty("status").GetString(), feature.GetProperty("decision").GetString(), feature.GetProperty("n").GetInt32()));
        Assert.Equal((Time(times[0]), Time(times[13])), (feature.GetProperty("first_sample_at").GetString(), feature.GetProperty("last_sample_at").GetString()));
        var last = feature.GetProperty("last_samples").EnumerateArray().ToList();
        Assert.Equal(times[4..].Select(Time), last.Select(s => s.GetProperty("at").GetString()));
        Assert.Equal(means[4..], last.Select(s => s.GetProperty("mean").GetDouble()));
        Assert.Equal([-1, 4, 4, -1, 1, -4, 1, 1, 1, 1], last.Select(s => s.GetProperty("code").GetInt32()));
        // Zone 3 (2 in a row at or beyond 2 sigma): samples 5-6, one run. Out of bounds: samples 2, 5-6 (one streak) and 9, three runs.
        var expected = new[]
        {
            ("consecutive", 3, 1, Time(times[5]), Time(times[6]), Time(times[5]), Time(times[6])),
            ("out_of_bounds", 4, 3, Time(times[2]), Time(times[2]), Time(times[9]), Time(times[9])),
        };
        Assert.Equal(expected, feature.GetProperty("rule_alerts").EnumerateArray().Select(Runs));
        Assert.Empty(feature.EnumerateObject().Select(p => p.Name).Intersect(["means", "codes", "sample_times"]));

        var alerts = (await h.Alerts.ListAsync(new AlertQuery(uid, null, null, null, null, 1, 10))).Items.OrderBy(a => a.Zone).ToList();
        Assert.Equal([("consecutive", 3, "warning"), ("out_of_bounds", 4, "critical")], alerts.Select(a => (a.Kind, a.Zone!.Value, a.Severity)));
        for (var i = 0; i < alerts.Count; i++)
        {
            var payload = JsonDocument.Parse(alerts[i].PayloadJson).RootElement;
            Assert.Equal([expected[i]], payload.GetProperty("rule_alerts").EnumerateArray().Select(Runs)); // only its own rule
            Assert.Equal(14, payload.GetProperty("n").GetInt32());
        }

        static string Time(DateTimeOffset t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        static (string, int, int, string, string, string, string) Runs(JsonElement r) => (r.GetProperty("kind").GetString()!, r.GetProperty("zone").GetInt32(),
            r.GetProperty("runs").GetInt32(), r.GetProperty("first_run").GetProperty("start").GetString()!, r.GetProperty("first_run").GetProperty("end").GetString()!,
            r.GetProperty("last_run").GetProperty("start").GetString()!, r.GetProperty("last_run").GetProperty("end").GetString()!);
    }

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task Spc_ManySamples_CheckRowAndAlertPayloadsStaySmall(SqlDialect dialect)
    {
        await using var h = await JobsHarness.CreateAsync(dialect);
        var uid = await Seed.ProfileAsync(h.Database, Seed.Spc("p"), Seed.T0);
        // 5 000 samples in the last hour on the center, but one beyond 3 sigma in every 10.
        const int Samples = 5_000;
        await Seed.SpcManyAsync(h.Database, uid, "x", Enumerable.Range(0, Samples).Select(i => (Seed.T0.AddMilliseconds(-500.0 * (Samples - i)), i % 10 == 9 ? 14.5 : 10.0)));
        h.Time.Advance(TimeSpan.FromSeconds(1));

        await h.Runner().RunDueAsync();

        var row = (await h.Store.ListChecksAsync(uid, null, null, 1, 0))[0].ResultJson;
        var feature = JsonDocument.Parse(row).RootElement.GetProperty("features").GetProperty("x");
        Assert.Equal(Samples, feature.GetProperty("n").GetInt32());
        Assert.Equal(Samples / 10, feature.GetProperty("rule_alerts")[0].GetProperty("runs").GetInt32());
        // Per-sample arrays would take over 100 kB here (about 30 bytes per sample time alone).
        Assert.InRange(row.Length, 1, 4_000);
        var alert = Assert.Single((await h.Alerts.ListAsync(new AlertQuery(uid, null, null, null, null, 1, 10))).Items);
        Assert.InRange(alert.PayloadJson.Length, 1, 4_000);
    }

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task FirstCheck_ReadsOneDayBack_OnAFrequentSchedule(SqlDialect dialect)
    {
        await using var h = await JobsHarness.CreateAsync(dialect);
        var custom = await Seed.ProfileAsync(h.Database, Seed.Custom("c", baseline: 10, delta: 1), Seed.T0);
        var spc = await Seed.ProfileAsync(h.Database, Seed.Spc("s"), Seed.T0);
        var slot = Seed.T0; // the 5 s cron's first slot; the window is (slot - 24 h, slot]
        await Seed.CustomAsync(h.Database, custom, "accuracy", slot.AddDays(-30), -1000, 1);
        await Seed.CustomAsync(h.Database, custom, "accuracy", slot.AddHours(-24), -1000, 1); // on the exclusive start
        await Seed.CustomAsync(h.Database, custom, "accuracy", slot.AddHours(-24).AddSeconds(1), 9, 1);
        await Seed.CustomAsync(h.Database, custom, "accuracy", slot, 16, 2);
        await Seed.SpcManyAsync(h.Database, spc, "x", [(slot.AddDays(-30), 14.5), (slot.AddHours(-24), 14.5), (slot.AddHours(-24).AddSeconds(1), 10.5), (slot, 10.2)]);
        h.Time.Advance(TimeSpan.FromSeconds(1));

        await h.Runner().RunDueAsync();

        var customResult = await LatestResultAsync(h, custom);
        Assert.Equal("2024-12-31T00:00:00.000000Z", customResult.GetProperty("window_start").GetString());
        var metric = customResult.GetProperty("metrics").GetProperty("accuracy");
        Assert.Equal((3, 25.0 / 3), (metric.GetProperty("n").GetInt32(), metric.GetProperty("observed").GetDouble()));
        var feature = (await LatestResultAsync(h, spc)).GetProperty("features").GetProperty("x");
        Assert.Equal((2, "no_alert"), (feature.GetProperty("n").GetInt32(), feature.GetProperty("decision").GetString()));
        Assert.Equal(slot.AddHours(-24), (await h.Store.ListChecksAsync(spc, null, null, 1, 0))[0].WindowStart);
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
    internal async Task Llm_ScoresCountInTheCheckWindowTheyWereJudgedIn_Once(SqlDialect dialect)
    {
        await using var h = await JobsHarness.CreateAsync(dialect);
        var uid = await Seed.ProfileAsync(h.Database, Seed.Llm("p"), Seed.T0);
        // A record from an hour ago judged inside the second window, and a record of the second window judged after its check.
        await Seed.LlmScoreAsync(h.Database, uid, "relevance", Seed.T0.AddHours(-1), 3, evaluatedAt: Seed.T0.AddSeconds(2));
        await Seed.LlmScoreAsync(h.Database, uid, "relevance", Seed.T0.AddSeconds(1), 5, evaluatedAt: Seed.T0.AddSeconds(7));

        h.Time.Advance(TimeSpan.FromSeconds(1));
        await h.Runner().RunDueAsync(); // slot T0
        Assert.Equal("no_data", (await LatestResultAsync(h, uid)).GetProperty("metrics").GetProperty("relevance").GetProperty("status").GetString());

        h.Time.Advance(TimeSpan.FromSeconds(5));
        await h.Runner().RunDueAsync(); // slot T0+5: (T0, T0+5]
        var second = (await LatestResultAsync(h, uid)).GetProperty("metrics").GetProperty("relevance");
        Assert.Equal((1, 3.0), (second.GetProperty("n").GetInt32(), second.GetProperty("observed").GetDouble()));

        h.Time.Advance(TimeSpan.FromSeconds(5));
        await h.Runner().RunDueAsync(); // slot T0+10: (T0+5, T0+10]
        var third = (await LatestResultAsync(h, uid)).GetProperty("metrics").GetProperty("relevance");
        Assert.Equal((1, 5.0), (third.GetProperty("n").GetInt32(), third.GetProperty("observed").GetDouble()));
    }

    [Theory]
    [MemberData(nameof(Stores.Both), MemberType = typeof(Stores))]
    internal async Task Llm_BelowMinCount_IsInsufficientDataWithoutAlert_AtMinCountAlerts(SqlDialect dialect)
    {
        await using var h = await JobsHarness.CreateAsync(dialect);
        var uid = await Seed.ProfileAsync(h.Database, Seed.Llm("p", minCount: 3), Seed.T0, lastCheckedSlot: Seed.T0.AddSeconds(-5));
        await Seed.LlmScoreAsync(h.Database, uid, "relevance", Seed.T0.AddSeconds(-2), 1);
        await Seed.LlmScoreAsync(h.Database, uid, "relevance", Seed.T0.AddSeconds(-1), 1);

        h.Time.Advance(TimeSpan.FromSeconds(1));
        await h.Runner().RunDueAsync(); // (T0-5, T0]: 2 scores of 1 < min_count 3
        var first = (await LatestResultAsync(h, uid)).GetProperty("metrics").GetProperty("relevance");
        Assert.Equal(("insufficient_data", "not_evaluated", 2, 3), (first.GetProperty("status").GetString(), first.GetProperty("decision").GetString(),
            first.GetProperty("n").GetInt32(), first.GetProperty("min_count").GetInt32()));
        Assert.Empty((await h.Alerts.ListAsync(new AlertQuery(uid, null, null, null, null, 1, 10))).Items);

        foreach (var second in new[] { 1, 2, 3 }) await Seed.LlmScoreAsync(h.Database, uid, "relevance", Seed.T0.AddSeconds(second), 1);
        h.Time.Advance(TimeSpan.FromSeconds(5));
        await h.Runner().RunDueAsync(); // (T0, T0+5]: 3 scores of 1, below baseline 4
        var alert = Assert.Single((await h.Alerts.ListAsync(new AlertQuery(uid, null, null, null, null, 1, 10))).Items);
        Assert.Equal(("relevance", "llm"), (alert.FeatureOrMetric, alert.Kind));
    }

    [Theory]
    [MemberData(nameof(Stores.Both), MemberType = typeof(Stores))]
    internal async Task Llm_AssertionMetric_WindowMeanIsThePassRate(SqlDialect dialect)
    {
        var exact = new AssertionMetric("exact", 1, "response", AssertionOperator.EqualTo, System.Text.Json.Nodes.JsonValue.Create("4"), delta: 0.2);
        await using var h = await JobsHarness.CreateAsync(dialect);
        var uid = await Seed.ProfileAsync(h.Database, Seed.Llm("p", assertions: [exact]), Seed.T0, lastCheckedSlot: Seed.T0.AddSeconds(-5));
        foreach (var (second, score) in new[] { (-4, 1.0), (-3, 0.0), (-2, 0.0), (-1, 1.0) }) await Seed.LlmScoreAsync(h.Database, uid, "exact", Seed.T0.AddSeconds(second), score);

        h.Time.Advance(TimeSpan.FromSeconds(1));
        await h.Runner().RunDueAsync();

        var node = (await LatestResultAsync(h, uid)).GetProperty("metrics").GetProperty("exact");
        Assert.Equal((4, 0.5, "alert"), (node.GetProperty("n").GetInt32(), node.GetProperty("observed").GetDouble(), node.GetProperty("decision").GetString()));
        var alert = Assert.Single((await h.Alerts.ListAsync(new AlertQuery(uid, null, null, null, null, 1, 10))).Items);
        Assert.Equal(("exact", "llm"), (alert.FeatureOrMetric, alert.Kind));
    }

    [Theory]
    [MemberData(nameof(Stores.Both), MemberType = typeof(Stores))]
    internal async Task Llm_WindowWhoseRecordsMostlyFailed_RaisesEvaluationFailures_HalfDoesNot_AndAHealthyWindowResolves(SqlDialect dialect)
    {
        await using var h = await JobsHarness.CreateAsync(dialect);
        var uid = await Seed.ProfileAsync(h.Database, Seed.Llm("p"), Seed.T0, lastCheckedSlot: Seed.T0.AddSeconds(-5));
        // (T0-5, T0]: 2 failed of 4 (rate 0.5, not above the default 0.5).
        await Seed.LlmRecordsAsync(h.Database, uid, Seed.T0.AddSeconds(-3), "failed", 2, "relevance: judge_output_invalid", evaluatedAt: Seed.T0.AddSeconds(-1));
        await Seed.LlmRecordsAsync(h.Database, uid, Seed.T0.AddSeconds(-3), "done", 2, evaluatedAt: Seed.T0.AddSeconds(-1));
        h.Time.Advance(TimeSpan.FromSeconds(1));
        await h.Runner().RunDueAsync();
        var first = (await LatestResultAsync(h, uid)).GetProperty("evaluation");
        Assert.Equal((2, 2, 0.5, "no_alert"), (first.GetProperty("done").GetInt32(), first.GetProperty("failed").GetInt32(),
            first.GetProperty("failure_rate").GetDouble(), first.GetProperty("decision").GetString()));
        Assert.Empty((await h.Alerts.ListAsync(new AlertQuery(uid, null, null, null, null, 1, 10))).Items);

        // (T0, T0+5]: 3 failed of 4 (rate 0.75): the judge answers garbage, and no metric has data.
        await Seed.LlmRecordsAsync(h.Database, uid, Seed.T0.AddSeconds(1), "failed", 3, "relevance: judge_output_invalid", evaluatedAt: Seed.T0.AddSeconds(2));
        await Seed.LlmRecordsAsync(h.Database, uid, Seed.T0.AddSeconds(1), "done", 1, evaluatedAt: Seed.T0.AddSeconds(2));
        h.Time.Advance(TimeSpan.FromSeconds(5));
        await h.Runner().RunDueAsync();
        var alert = Assert.Single((await h.Alerts.ListAsync(new AlertQuery(uid, null, null, null, null, 1, 10))).Items);
        Assert.Equal(("evaluation", "evaluation_failures", "critical", AlertStatus.Firing), (alert.FeatureOrMetric, alert.Kind, alert.Severity, alert.Status));
        Assert.Equal(0.75, JsonDocument.Parse(alert.PayloadJson).RootElement.GetProperty("failure_rate").GetDouble());

        // (T0+5, T0+10]: all done.
        await Seed.LlmRecordsAsync(h.Database, uid, Seed.T0.AddSeconds(6), "done", 2, evaluatedAt: Seed.T0.AddSeconds(7));
        h.Time.Advance(TimeSpan.FromSeconds(5));
        await h.Runner().RunDueAsync();
        Assert.Equal(AlertStatus.Resolved, Assert.Single((await h.Alerts.ListAsync(new AlertQuery(uid, null, null, null, null, 1, 10))).Items).Status);
    }

    [Theory]
    [MemberData(nameof(Stores.Both), MemberType = typeof(Stores))]
    internal async Task Llm_RecordsPendingLongerThanTwoLeases_RaiseEvaluationFailures(SqlDialect dialect)
    {
        await using var h = await JobsHarness.CreateAsync(dialect);
        var uid = await Seed.ProfileAsync(h.Database, Seed.Llm("p"), Seed.T0, lastCheckedSlot: Seed.T0.AddSeconds(-5));
        var lease = h.Options.Evaluation.Lease;
        await Seed.LlmRecordsAsync(h.Database, uid, Seed.T0.AddSeconds(1) - 2 * lease + TimeSpan.FromSeconds(1), "pending"); // younger than two leases at T0+1
        h.Time.Advance(TimeSpan.FromSeconds(1));
        await h.Runner().RunDueAsync();
        Assert.Equal(0, (await LatestResultAsync(h, uid)).GetProperty("evaluation").GetProperty("stuck_pending").GetInt32());
        Assert.Empty((await h.Alerts.ListAsync(new AlertQuery(uid, null, null, null, null, 1, 10))).Items);

        h.Time.Advance(TimeSpan.FromSeconds(5));
        await h.Runner().RunDueAsync(); // slot T0+5: the record is now 2 leases + 4 s old
        Assert.Equal(1, (await LatestResultAsync(h, uid)).GetProperty("evaluation").GetProperty("stuck_pending").GetInt32());
        var alert = Assert.Single((await h.Alerts.ListAsync(new AlertQuery(uid, null, null, null, null, 1, 10))).Items);
        Assert.Equal(("evaluation", "evaluation_failures"), (alert.FeatureOrMetric, alert.Kind));
    }

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task AlertLifecycle_FoundAgainUpdates_NoDataKeeps_GoneResolves(SqlDialect dialect)
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
