using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Scouter.Core.Tests.Drift;
using Scouter.Server.Auth;
using Scouter.Server.Storage;
using Scouter.Server.Tests.Fixtures;
using Xunit;

namespace Scouter.Server.Tests.Apis;

public abstract class DriftApiTests(ServerFixture fixture)
{
    private static readonly DateTimeOffset To = DataTestServer.Start;
    private static readonly DateTimeOffset From = To.AddHours(-2);
    private const double Tolerance = 1e-12;

    private DataTestServer Server => fixture.Server;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string T(DateTimeOffset t) => t.ToString("O", CultureInfo.InvariantCulture);

    private static string NewSpace() => "d" + Guid.NewGuid().ToString("N")[..10];

    private async Task IngestAsync(params JsonObject[] records)
    {
        var batch = new JsonObject { ["batch_id"] = Guid.CreateVersion7().ToString(), ["sent_at"] = T(To), ["records"] = new JsonArray(records) };
        using var response = await Server.Client.PostAsync("records", DataTestServer.Json(batch), Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync(Ct));
    }

    private async Task<JsonElement> GetAsync(string url)
    {
        using var response = await Server.Client.GetAsync(url, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static JsonObject Psi(Guid uid, DateTimeOffset at, string feature, JsonObject counts) =>
        new() { ["type"] = "psi", ["uid"] = uid.ToString(), ["created_at"] = T(at), ["feature"] = feature, ["bin_counts"] = counts };

    /// <summary>The spec formula (drift-math 1.3), computed independently of the server.</summary>
    private static double ExpectedPsi(double[] p, double[] q)
    {
        const double Eps = 1e-10;
        var sum = 0.0;
        for (var i = 0; i < p.Length; i++) sum += (p[i] - q[i]) * Math.Log((p[i] + Eps) / (q[i] + Eps));
        return sum;
    }

    [Fact]
    public async Task Psi_PerBucketAndOverall_MatchTheSpecFormula()
    {
        var uid = (await Server.RegisterAsync(TestProfiles.Psi(NewSpace()))).GetProperty("uid").GetGuid();
        // Bucket 0 matches the baseline exactly (missing 0.1, bins 0.3/0.4/0.2); bucket 1 drifts.
        await IngestAsync(
            Psi(uid, From.AddMinutes(20), "age", new JsonObject { ["0"] = 6, ["1"] = 20, ["2"] = 30, ["3"] = 14 }),
            Psi(uid, From.AddMinutes(40), "age", new JsonObject { ["0"] = 4, ["1"] = 10, ["2"] = 10, ["3"] = 6 }));
        await IngestAsync(Psi(uid, From.AddMinutes(90), "age", new JsonObject { ["1"] = 50, ["2"] = 30, ["3"] = 20 }));
        await IngestAsync(Psi(uid, From.AddMinutes(-5), "age", new JsonObject { ["1"] = 1000 })); // outside the window

        var body = await GetAsync($"drift/psi?uid={uid}&from={Uri.EscapeDataString(T(From))}&to={Uri.EscapeDataString(T(To))}&buckets=2");

        Assert.Equal([From, From.AddHours(1)], body.GetProperty("bucket_starts").EnumerateArray().Select(e => e.GetDateTimeOffset()));
        var age = body.GetProperty("features").GetProperty("age");
        double[] baseline = [0.1, 0.3, 0.4, 0.2];
        var buckets = age.GetProperty("bucket_psi").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(ExpectedPsi(baseline, [0.1, 0.3, 0.4, 0.2]), buckets[0], Tolerance);
        Assert.Equal(ExpectedPsi(baseline, [0, 0.5, 0.3, 0.2]), buckets[1], Tolerance);
        Assert.Equal([100L, 100L], age.GetProperty("bucket_counts").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal(ExpectedPsi(baseline, [0.05, 0.4, 0.35, 0.2]), age.GetProperty("psi").GetDouble(), Tolerance);
        Assert.Equal(200, age.GetProperty("n").GetInt64());
        var observed = age.GetProperty("observed_proportions");
        Assert.Equal(0.05, observed.GetProperty("0").GetDouble(), Tolerance);
        Assert.Equal(0.4, observed.GetProperty("1").GetDouble(), Tolerance);
        Assert.Equal(0.35, observed.GetProperty("2").GetDouble(), Tolerance);
        Assert.Equal(0.2, age.GetProperty("baseline_proportions").GetProperty("3").GetDouble(), Tolerance);
        var color = body.GetProperty("features").GetProperty("color");
        Assert.Equal(JsonValueKind.Null, color.GetProperty("psi").ValueKind);
        Assert.Equal("insufficient_data", color.GetProperty("status").GetString());
    }

    /// <summary>The chi-square threshold (before the min_psi floor) of shared/reference/vectors.json for α, B and N.</summary>
    private static double ReferenceChiSquare(double alpha, int bins, long n) =>
        ReferenceVectors.Cases.GetProperty("thresholds").EnumerateArray()
            .Single(c => c.GetProperty("alpha").GetDouble() == alpha && c.GetProperty("bins").GetInt32() == bins && c.GetProperty("n").GetInt64() == n)
            .GetProperty("chi_square").GetDouble();

    /// <summary>One numeric feature "x" with ten baseline bins of 0.1 (edges 1..9), no missing values: spec/drift-math.md 1.5's example.</summary>
    private static PsiDriftProfile TenBins(string space, PsiThreshold threshold) => new(
        new PsiDriftConfig { Space = space, Name = "ten", AlertConfig = new PsiAlertConfig { Threshold = threshold } },
        new Dictionary<string, PsiFeatureProfile>
        {
            ["x"] = new(FeatureKind.Numeric, [1, 2, 3, 4, 5, 6, 7, 8, 9], null, [.. Enumerable.Repeat(0.1, 10)], 0, 1000, 0),
        });

    private static JsonObject Bins(params long[] counts) =>
        new([.. counts.Select((c, i) => KeyValuePair.Create((i + 1).ToString(CultureInfo.InvariantCulture), (JsonNode?)c))]);

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.1)]
    public async Task Psi_EachBucketIsJudgedForItsOwnN_ThresholdStatusAndAlertPerBucket(double minPsi)
    {
        var uid = (await Server.RegisterAsync(TenBins(NewSpace(), PsiThreshold.ChiSquare(0.05, minPsi)))).GetProperty("uid").GetGuid();
        // Four 30-minute buckets: N = 550 (the spec's drifted example), N = 1000 exactly the baseline, N = 50 < 10·B, none.
        long[] drifted = [40, 45, 50, 55, 60, 50, 50, 50, 50, 100];
        await IngestAsync(
            Psi(uid, From.AddMinutes(10), "x", Bins(drifted)),
            Psi(uid, From.AddMinutes(40), "x", Bins([.. Enumerable.Repeat(100L, 10)])),
            Psi(uid, From.AddMinutes(70), "x", Bins([.. Enumerable.Repeat(5L, 10)])));

        var body = await GetAsync($"drift/psi?uid={uid}&from={Uri.EscapeDataString(T(From))}&to={Uri.EscapeDataString(T(To))}&buckets=4");

        var x = body.GetProperty("features").GetProperty("x");
        Assert.Equal([550L, 1000L, 50L, 0L], x.GetProperty("bucket_counts").EnumerateArray().Select(e => e.GetInt64()));
        var thresholds = x.GetProperty("bucket_thresholds");
        // Effective threshold = max(chi-square for the bucket's N, min_psi) (spec/drift-math.md 1.4).
        Assert.Equal(Math.Max(ReferenceChiSquare(0.05, 10, 550), minPsi), thresholds[0].GetDouble(), Tolerance);
        Assert.Equal(Math.Max(ReferenceChiSquare(0.05, 10, 1000), minPsi), thresholds[1].GetDouble(), Tolerance);
        Assert.Equal(JsonValueKind.Null, thresholds[2].ValueKind);
        Assert.Equal(JsonValueKind.Null, thresholds[3].ValueKind);
        Assert.Equal(["ok", "ok", "insufficient_data", "insufficient_data"], x.GetProperty("bucket_status").EnumerateArray().Select(e => e.GetString()));
        var psi0 = ExpectedPsi([0, .. Enumerable.Repeat(0.1, 10)], [0, .. drifted.Select(c => c / 550.0)]);
        Assert.Equal(psi0, x.GetProperty("bucket_psi")[0].GetDouble(), Tolerance);
        // The spec's example: PSI 0.0664 alerts over the chi-square threshold 0.0308 alone, not over the 0.1 floor.
        Assert.Equal([psi0 > Math.Max(ReferenceChiSquare(0.05, 10, 550), minPsi), false, false, false],
            x.GetProperty("bucket_alerts").EnumerateArray().Select(e => e.GetBoolean()));
        Assert.Equal(minPsi == 0, x.GetProperty("bucket_alerts")[0].GetBoolean());
        Assert.False(x.TryGetProperty("bucket_observed", out _));
    }

    [Fact]
    public async Task Psi_FeatureFilter_AnswersThatFeatureAlone_WithEachBucketsObservedDistribution()
    {
        var uid = (await Server.RegisterAsync(TestProfiles.Psi(NewSpace()))).GetProperty("uid").GetGuid();
        // Three 40-minute buckets: (0, 40] the baseline exactly (missing 0.1, 0.3/0.4/0.2), (40, 80] empty, (80, 120] drifted.
        await IngestAsync(
            Psi(uid, From.AddMinutes(20), "age", new JsonObject { ["0"] = 6, ["1"] = 20, ["2"] = 30, ["3"] = 14 }),
            Psi(uid, From.AddMinutes(40), "age", new JsonObject { ["0"] = 4, ["1"] = 10, ["2"] = 10, ["3"] = 6 }),
            Psi(uid, From.AddMinutes(90), "age", new JsonObject { ["1"] = 50, ["2"] = 30, ["3"] = 20 }),
            Psi(uid, From.AddMinutes(90), "color", new JsonObject { ["1"] = 5 }));
        var window = $"from={Uri.EscapeDataString(T(From))}&to={Uri.EscapeDataString(T(To))}&buckets=3";

        var one = await GetAsync($"drift/psi?uid={uid}&{window}&feature=age");
        var all = await GetAsync($"drift/psi?uid={uid}&{window}");

        Assert.Equal(["age"], one.GetProperty("features").EnumerateObject().Select(p => p.Name));
        var observed = one.GetProperty("features").GetProperty("age").GetProperty("bucket_observed");
        Assert.Equal(3, observed.GetArrayLength());
        AssertProportions(new() { ["0"] = 0.1, ["1"] = 0.3, ["2"] = 0.4, ["3"] = 0.2 }, observed[0]);
        Assert.Equal(JsonValueKind.Null, observed[1].ValueKind);
        AssertProportions(new() { ["1"] = 0.5, ["2"] = 0.3, ["3"] = 0.2 }, observed[2]);
        // The rest of the series is the all-features answer's.
        var age = all.GetProperty("features").GetProperty("age");
        Assert.Equal(["age", "color"], all.GetProperty("features").EnumerateObject().Select(p => p.Name));
        Assert.False(age.TryGetProperty("bucket_observed", out _));
        foreach (var field in new[] { "bucket_psi", "bucket_counts", "bucket_thresholds", "bucket_status", "bucket_alerts", "psi", "n", "observed_proportions" })
            Assert.Equal(age.GetProperty(field).GetRawText(), one.GetProperty("features").GetProperty("age").GetProperty(field).GetRawText());
    }

    private static void AssertProportions(Dictionary<string, double> expected, JsonElement actual)
    {
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        foreach (var (bin, share) in expected) Assert.Equal(share, actual.GetProperty(bin).GetDouble(), Tolerance);
    }

    [Fact]
    public async Task Spc_FeatureFilter_AnswersThatFeatureAlone()
    {
        var profile = new SpcDriftProfile(
            new SpcDriftConfig { Space = NewSpace(), Name = "two", FeaturesToMonitor = ["x", "y"] },
            new Dictionary<string, SpcFeatureProfile> { ["x"] = new(10, 1, 20, 0), ["y"] = new(0, 2, 20, 0) });
        var uid = (await Server.RegisterAsync(profile)).GetProperty("uid").GetGuid();
        JsonObject Sample(int minutes, string feature, double mean) => new()
        {
            ["type"] = "spc", ["uid"] = uid.ToString(), ["created_at"] = T(From.AddMinutes(minutes)), ["feature"] = feature, ["mean"] = mean, ["count"] = 25,
        };
        await IngestAsync(Sample(10, "x", 10), Sample(10, "y", 1), Sample(20, "y", -5), Sample(30, "x", 11));

        var body = await GetAsync($"drift/spc?uid={uid}&from={Uri.EscapeDataString(T(From))}&to={Uri.EscapeDataString(T(To))}&feature=y");

        Assert.Equal(["y"], body.GetProperty("features").EnumerateObject().Select(p => p.Name));
        var y = body.GetProperty("features").GetProperty("y");
        Assert.Equal([1.0, -5.0], y.GetProperty("means").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal([From.AddMinutes(10), From.AddMinutes(20)], y.GetProperty("times").EnumerateArray().Select(e => e.GetDateTimeOffset()));
        Assert.Equal(0, y.GetProperty("limits").GetProperty("center").GetDouble());
    }

    [Theory]
    [InlineData("psi")]
    [InlineData("spc")]
    public async Task Query_UnknownFeature_Is400UnknownFeatureNamingTheValue(string type)
    {
        var space = NewSpace();
        var uid = (await Server.RegisterAsync(type == "psi" ? TestProfiles.Psi(space) : TestProfiles.Spc(space))).GetProperty("uid").GetGuid();

        using var response = await Server.Client.GetAsync($"drift/{type}?uid={uid}&feature=no-such-feature", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await DataTestServer.ReadAsync(response);
        Assert.Equal("unknown_feature", problem.GetProperty("code").GetString());
        Assert.Equal("feature", problem.GetProperty("field").GetString());
        Assert.Contains("'no-such-feature'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Spc_ReturnsSamplesZoneCodesAndLimits()
    {
        var uid = (await Server.RegisterAsync(TestProfiles.Spc(NewSpace()))).GetProperty("uid").GetGuid();
        double[] means = [10, 10.5, 12.5, 13.5, 9];
        await IngestAsync([.. means.Select((m, i) => new JsonObject
        {
            ["type"] = "spc", ["uid"] = uid.ToString(), ["created_at"] = T(From.AddMinutes(10 * (i + 1))), ["feature"] = "x", ["mean"] = m, ["count"] = 25,
        })]);

        var body = await GetAsync($"drift/spc?uid={uid}&from={Uri.EscapeDataString(T(From))}");

        var x = body.GetProperty("features").GetProperty("x");
        Assert.Equal(means, x.GetProperty("means").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal([0, 1, 3, 4, -2], x.GetProperty("codes").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(From.AddMinutes(10), x.GetProperty("times")[0].GetDateTimeOffset());
        var limits = x.GetProperty("limits");
        Assert.Equal(10, limits.GetProperty("center").GetDouble());
        Assert.Equal(13, limits.GetProperty("three_ucl").GetDouble());
        Assert.Equal(8, limits.GetProperty("two_lcl").GetDouble());
        Assert.Contains(x.GetProperty("alerts").EnumerateArray(), a => a.GetProperty("kind").GetString() == "out_of_bounds");
    }

    [Fact]
    public async Task Spc_MoreSamplesThanTheChartCap_AnswersPerBucketStatistics()
    {
        var uid = (await Server.RegisterAsync(TestProfiles.Spc(NewSpace()))).GetProperty("uid").GetGuid();
        // 10 050 samples 0.7 s apart over the two hours, means cycling 9, 10, 11 (sample i has mean 9 + i % 3).
        const int Samples = 10_050;
        JsonObject Sample(int i) => new()
        {
            ["type"] = "spc", ["uid"] = uid.ToString(), ["created_at"] = T(From.AddMilliseconds(700L * i)), ["feature"] = "x", ["mean"] = 9 + (i % 3), ["count"] = 25,
        };
        await IngestAsync([.. Enumerable.Range(1, 5_000).Select(Sample)]);
        await IngestAsync([.. Enumerable.Range(5_001, Samples - 5_000).Select(Sample)]);

        var body = await GetAsync($"drift/spc?uid={uid}&from={Uri.EscapeDataString(T(From))}&to={Uri.EscapeDataString(T(To))}&buckets=2");

        Assert.True(body.GetProperty("bucketed").GetBoolean());
        Assert.Equal([From, From.AddHours(1)], body.GetProperty("bucket_starts").EnumerateArray().Select(e => e.GetDateTimeOffset()));
        var x = body.GetProperty("features").GetProperty("x");
        Assert.Equal(0, x.GetProperty("times").GetArrayLength());
        var buckets = x.GetProperty("buckets");
        // Bucket 0 is (From, From + 1 h]: samples with 700 ms · i <= 3 600 000 ms.
        var first = Enumerable.Range(1, 5_142).ToList();
        var second = Enumerable.Range(5_143, Samples - 5_142).ToList();
        Assert.Equal([first.Count, second.Count], buckets.GetProperty("counts").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(first.Average(i => 9.0 + (i % 3)), buckets.GetProperty("means")[0].GetDouble(), Tolerance);
        Assert.Equal(second.Average(i => 9.0 + (i % 3)), buckets.GetProperty("means")[1].GetDouble(), Tolerance);
        Assert.Equal([9.0, 9.0], buckets.GetProperty("mins").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal([11.0, 11.0], buckets.GetProperty("maxes").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal([25 * first.Count, 25 * second.Count], buckets.GetProperty("values").EnumerateArray().Select(e => e.GetInt32()));
    }

    [Fact]
    public async Task Custom_AlignTrue_ReadsWholeHourBuckets_EndingAtTheHourAfterTo()
    {
        var uid = (await Server.RegisterAsync(TestProfiles.Custom(NewSpace()))).GetProperty("uid").GetGuid();
        JsonObject Rec(DateTimeOffset at, double sum, long count) =>
            new() { ["type"] = "custom", ["uid"] = uid.ToString(), ["created_at"] = T(at), ["metric"] = "mae", ["sum"] = sum, ["count"] = count };
        // To is a whole hour (12:00). Asked: (09:30:07, 11:50], 2 buckets → 3 whole hours (09:00, 12:00] → 2-hour buckets, (08:00, 12:00].
        await IngestAsync(Rec(To.AddHours(-3.5), 5, 1), Rec(To.AddHours(-2.75), 2, 1), Rec(To.AddMinutes(-1), 6, 2));

        var body = await GetAsync($"drift/custom?uid={uid}&from={Uri.EscapeDataString(T(To.AddMinutes(-150).AddSeconds(7)))}&to={Uri.EscapeDataString(T(To.AddMinutes(-10)))}&buckets=2&align=true");

        Assert.Equal(To.AddHours(-4), body.GetProperty("from").GetDateTimeOffset());
        Assert.Equal(To, body.GetProperty("to").GetDateTimeOffset());
        Assert.Equal([To.AddHours(-4), To.AddHours(-2)], body.GetProperty("bucket_starts").EnumerateArray().Select(e => e.GetDateTimeOffset()));
        Assert.Equal([3.5, 3.0], body.GetProperty("metrics").GetProperty("mae").GetProperty("means").EnumerateArray().Select(e => e.GetDouble()));
    }

    [Fact]
    public async Task Custom_BucketMeansAreCountWeighted_AndTheWindowMeanDecidesTheAlert()
    {
        var uid = (await Server.RegisterAsync(TestProfiles.Custom(NewSpace()))).GetProperty("uid").GetGuid();
        JsonObject Rec(DateTimeOffset at, double sum, long count) =>
            new() { ["type"] = "custom", ["uid"] = uid.ToString(), ["created_at"] = T(at), ["metric"] = "mae", ["sum"] = sum, ["count"] = count };
        await IngestAsync(Rec(From.AddMinutes(10), 3, 2), Rec(From.AddMinutes(20), 1, 2), Rec(From.AddMinutes(100), 9, 4));

        var body = await GetAsync($"drift/custom?uid={uid}&from={Uri.EscapeDataString(T(From))}&to={Uri.EscapeDataString(T(To))}&buckets=2");

        var mae = body.GetProperty("metrics").GetProperty("mae");
        Assert.Equal([1.0, 2.25], mae.GetProperty("means").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal(13.0 / 8, mae.GetProperty("mean").GetDouble(), Tolerance);
        Assert.Equal(8, mae.GetProperty("count").GetInt64());
        Assert.Equal(1.0, mae.GetProperty("baseline").GetDouble());
        Assert.Equal("above", mae.GetProperty("condition").GetString());
        Assert.True(mae.GetProperty("alert").GetBoolean()); // 1.625 > 1 + 0.5
        var acc = body.GetProperty("metrics").GetProperty("acc");
        Assert.Equal(JsonValueKind.Null, acc.GetProperty("mean").ValueKind);
        Assert.False(acc.GetProperty("alert").GetBoolean());
    }

    [Fact]
    public async Task Llm_MeanScoresPerBucket_AndRecordStatusCounts()
    {
        var uid = (await Server.RegisterAsync(TestProfiles.Llm(NewSpace()))).GetProperty("uid").GetGuid();
        JsonObject Rec(DateTimeOffset at) => new()
        {
            ["type"] = "llm", ["uid"] = uid.ToString(), ["created_at"] = T(at), ["record_id"] = Guid.CreateVersion7().ToString(), ["input"] = "q", ["response"] = "a",
        };
        await IngestAsync(Rec(From.AddMinutes(10)), Rec(From.AddMinutes(70)));
        // Scores are written by the LLM judge (a later feature); insert them directly.
        var db = Server.Db.Database;
        await using (var connection = await db.OpenAsync(Ct))
        {
            foreach (var (minutes, score) in new[] { (10, 3.0), (15, 5.0), (70, 2.0) })
            {
                await connection.ExecuteAsync("insert into llm_scores (uid, metric, record_id, created_at, evaluated_at, score, reason) values (@uid, 'relevance', @rid, @at, @at, @score, 'r')",
                    new { uid = db.Id(uid), rid = db.Id(Guid.NewGuid()), at = db.Time(From.AddMinutes(minutes)), score });
            }
        }

        var body = await GetAsync($"drift/llm?uid={uid}&from={Uri.EscapeDataString(T(From))}&to={Uri.EscapeDataString(T(To))}&buckets=2");

        var relevance = body.GetProperty("metrics").GetProperty("relevance");
        Assert.Equal([4.0, 2.0], relevance.GetProperty("means").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal(10.0 / 3, relevance.GetProperty("mean").GetDouble(), Tolerance);
        Assert.True(relevance.GetProperty("alert").GetBoolean()); // below baseline 4
        Assert.Equal(2, body.GetProperty("record_status").GetProperty("pending").GetInt64());
    }

    [Theory]
    [InlineData("", "uid")]
    [InlineData("uid=nope", "uid")]
    [InlineData("uid={uid}&from=2026-11-20T12:00:00Z&to=2026-11-20T11:00:00Z", "from")]
    [InlineData("uid={uid}&to=yesterday", "to")]
    [InlineData("uid={uid}&from=x", "from")]
    [InlineData("uid={uid}&buckets=0", "buckets")]
    [InlineData("uid={uid}&buckets=1001", "buckets")]
    [InlineData("uid={uid}&align=yes", "align")]
    [InlineData("uid={uid}&buckets=abc", "buckets")]
    [InlineData("uid={spc}", "uid")]
    public async Task Query_InvalidParameters_Are400NamingTheParameter(string query, string field)
    {
        var space = NewSpace();
        var uid = (await Server.RegisterAsync(TestProfiles.Psi(space))).GetProperty("uid").GetGuid();
        var spc = (await Server.RegisterAsync(TestProfiles.Spc(space))).GetProperty("uid").GetGuid();

        using var response = await Server.Client.GetAsync("drift/psi?" + query.Replace("{uid}", uid.ToString(), StringComparison.Ordinal).Replace("{spc}", spc.ToString(), StringComparison.Ordinal), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, (await DataTestServer.ReadAsync(response)).GetProperty("field").GetString());
    }

    [Fact]
    public async Task Query_UnknownProfileIs404_AndUnreadableProfileIs403()
    {
        var uid = (await Server.RegisterAsync(TestProfiles.Custom(NewSpace()))).GetProperty("uid").GetGuid();

        using var unknown = await Server.Client.GetAsync($"drift/custom?uid={Guid.NewGuid()}", Ct);
        var stranger = await Server.ApiKeyClientAsync(("other", SpaceRole.Read));
        using var hidden = await stranger.GetAsync($"drift/custom?uid={uid}", Ct);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, hidden.StatusCode);
        Assert.Equal("forbidden", (await DataTestServer.ReadAsync(hidden)).GetProperty("code").GetString());
    }
}

public sealed class SqliteDriftApiTests(ServerFixture fixture) : DriftApiTests(fixture), IClassFixture<ServerFixture>;

public sealed class PostgresDriftApiTests(PostgresServerFixture fixture) : DriftApiTests(fixture), IClassFixture<PostgresServerFixture>;
