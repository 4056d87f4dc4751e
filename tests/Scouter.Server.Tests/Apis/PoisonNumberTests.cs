using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scouter.Server.Storage;
using Scouter.Server.Tests.Fixtures;
using Xunit;
using static Scouter.Server.Tests.Fixtures.IngestServerFixture;

namespace Scouter.Server.Tests.Apis;

/// <summary>
/// Numbers that used to be accepted and then broke every read of their profile (drift query, manual
/// and scheduled checks answered 500): they are now refused per record at ingestion, and rows holding
/// them anyway (stored before the bounds, or written outside ingestion) are read under the documented
/// overflow rule (docs/server-data.md) instead of failing. Run on SQLite and PostgreSQL.
/// </summary>
public abstract class PoisonNumberTests(IngestServerFixture fixture)
{
    private const long TwoPow62 = 1L << 62;
    private const long TwoPow53 = 1L << 53;

    private static List<(int, string, string)> Rejections(JsonElement body) =>
        [.. body.GetProperty("rejected").EnumerateArray().Select(r => (r.GetProperty("index").GetInt32(), r.GetProperty("code").GetString()!, r.GetProperty("field").GetString()!))];

    public static TheoryData<string> CustomPoison => ["count_max", "two_counts_2^62", "two_sums_1e308"];

    [Theory]
    [MemberData(nameof(CustomPoison))]
    public async Task PoisonCustomRecords_Are202WithTheRecordsRejected_AndTheProfileStaysReadable(string poison)
    {
        var custom = await fixture.NewProfileAsync(DriftType.Custom);
        var (records, expected) = poison switch
        {
            "count_max" => (new[] { Custom(custom, "mae", 1.0, long.MaxValue) }, new[] { (1, "count_out_of_range", "records[1].count") }),
            "two_counts_2^62" => ([Custom(custom, "mae", 1.0, TwoPow62), Custom(custom, "mae", 1.0, TwoPow62)],
                [(1, "count_out_of_range", "records[1].count"), (2, "count_out_of_range", "records[2].count")]),
            _ => ([Custom(custom, "mae", 1e308, 1), Custom(custom, "mae", 1e308, 1)],
                [(1, "value_out_of_range", "records[1].sum"), (2, "value_out_of_range", "records[2].sum")]),
        };

        var (status, receipt) = await PostAsync(fixture.Writer, Batch([Custom(custom, "mae", 3.0, 2), .. records]));

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(1, receipt.GetProperty("stored").GetInt32());
        Assert.Equal(expected, Rejections(receipt));
        var (driftStatus, drift) = await fixture.DriftAsync("custom", custom);
        Assert.Equal(HttpStatusCode.OK, driftStatus);
        var mae = drift.GetProperty("metrics").GetProperty("mae");
        Assert.Equal((2, 1.5), (mae.GetProperty("count").GetInt64(), mae.GetProperty("mean").GetDouble()));
        var (_, check) = await fixture.RunCheckAsync(custom);
        var checkedMae = check.GetProperty("metrics").GetProperty("mae");
        Assert.Equal(("ok", 2, 1.5), (checkedMae.GetProperty("status").GetString(), checkedMae.GetProperty("n").GetInt64(), checkedMae.GetProperty("observed").GetDouble()));
    }

    [Fact]
    public async Task PoisonPsiBinCount_Is202WithTheRecordRejected_AndTheProfileStaysReadable()
    {
        var psi = await fixture.NewProfileAsync(DriftType.Psi);

        var (status, receipt) = await PostAsync(fixture.Writer, Batch(
            Psi(psi, "age", new JsonObject { ["1"] = 20, ["2"] = 10 }),
            Psi(psi, "age", new JsonObject { ["1"] = long.MaxValue })));

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal([(1, "count_out_of_range", "records[1].bin_counts.1")], Rejections(receipt));
        var (driftStatus, drift) = await fixture.DriftAsync("psi", psi);
        Assert.Equal(HttpStatusCode.OK, driftStatus);
        Assert.Equal(30, drift.GetProperty("features").GetProperty("age").GetProperty("n").GetInt64());
        var (_, check) = await fixture.RunCheckAsync(psi);
        var age = check.GetProperty("features").GetProperty("age");
        Assert.Equal(("ok", 30), (age.GetProperty("status").GetString(), age.GetProperty("n").GetInt64()));
    }

    [Fact]
    public async Task StoredCustomRows_WithOverflowingSumsAndCounts_ReadAsDocumented()
    {
        var uid = await fixture.NewProfileAsync(DriftType.Custom);
        var db = fixture.Server.Database.Database;
        var at = RecentTime;
        // mae: the sums add up past the double range; acc: the counts add up past 2^63.
        await Seed.CustomAsync(db, uid, "mae", at, 1e308, 1);
        await Seed.CustomAsync(db, uid, "mae", at.AddSeconds(1), 1e308, 1);
        await Seed.CustomAsync(db, uid, "acc", at, 1.0, long.MaxValue);
        await Seed.CustomAsync(db, uid, "acc", at.AddSeconds(1), 1.0, long.MaxValue);
        var accMean = 2.0 / (2.0 * long.MaxValue);

        var (driftStatus, drift) = await fixture.DriftAsync("custom", uid);

        Assert.Equal(HttpStatusCode.OK, driftStatus);
        var mae = drift.GetProperty("metrics").GetProperty("mae");
        Assert.Equal((JsonValueKind.Null, 2, false), (mae.GetProperty("mean").ValueKind, mae.GetProperty("count").GetInt64(), mae.GetProperty("alert").GetBoolean()));
        var acc = drift.GetProperty("metrics").GetProperty("acc");
        Assert.Equal(TwoPow53, acc.GetProperty("count").GetInt64());
        Assert.Equal(accMean, acc.GetProperty("mean").GetDouble(), 1e-30);

        var (_, check) = await fixture.RunCheckAsync(uid);

        var checkedMae = check.GetProperty("metrics").GetProperty("mae");
        Assert.Equal(("invalid_data", "not_evaluated", 2), (checkedMae.GetProperty("status").GetString(), checkedMae.GetProperty("decision").GetString(), checkedMae.GetProperty("n").GetInt64()));
        var checkedAcc = check.GetProperty("metrics").GetProperty("acc");
        Assert.Equal(("ok", TwoPow53), (checkedAcc.GetProperty("status").GetString(), checkedAcc.GetProperty("n").GetInt64()));
        Assert.Equal(accMean, checkedAcc.GetProperty("observed").GetDouble(), 1e-30);
    }

    [Fact]
    public async Task StoredCustomRows_WithInfiniteSums_HaveNoMean()
    {
        var uid = await fixture.NewProfileAsync(DriftType.Custom);
        var db = fixture.Server.Database.Database;
        await Seed.CustomAsync(db, uid, "mae", RecentTime, double.PositiveInfinity, 1);
        await Seed.CustomAsync(db, uid, "acc", RecentTime, double.PositiveInfinity, 1);
        await Seed.CustomAsync(db, uid, "acc", RecentTime.AddSeconds(1), double.NegativeInfinity, 1);

        var (driftStatus, drift) = await fixture.DriftAsync("custom", uid);
        var (_, check) = await fixture.RunCheckAsync(uid);

        Assert.Equal(HttpStatusCode.OK, driftStatus);
        foreach (var metric in new[] { "mae", "acc" })
        {
            Assert.Equal(JsonValueKind.Null, drift.GetProperty("metrics").GetProperty(metric).GetProperty("mean").ValueKind);
            Assert.Equal("invalid_data", check.GetProperty("metrics").GetProperty(metric).GetProperty("status").GetString());
        }
    }

    [Fact]
    public async Task StoredPsiRows_WithOverflowingCounts_KeepTheirProportions_AndANegativeCountIsNotEvaluated()
    {
        var uid = await fixture.NewProfileAsync(DriftType.Psi);
        var db = fixture.Server.Database.Database;
        await Seed.PsiAsync(db, uid, "age", RecentTime, new Dictionary<int, long> { [1] = long.MaxValue });
        await Seed.PsiAsync(db, uid, "age", RecentTime.AddSeconds(1), new Dictionary<int, long> { [1] = long.MaxValue, [2] = long.MaxValue });
        await Seed.PsiAsync(db, uid, "color", RecentTime, new Dictionary<int, long> { [1] = -3, [2] = 5 });
        // Spec 1.3 with the profile's baseline (missing 0.1, bins 0.3 / 0.4 / 0.2) and observed 2/3, 1/3 in bins 1 and 2.
        double[] p = [0.1, 0.3, 0.4, 0.2];
        double[] q = [0, 2.0 / 3, 1.0 / 3, 0];
        var psi = p.Select((pi, i) => (pi - q[i]) * Math.Log((pi + 1e-10) / (q[i] + 1e-10))).Sum();

        var (driftStatus, drift) = await fixture.DriftAsync("psi", uid);

        Assert.Equal(HttpStatusCode.OK, driftStatus);
        var age = drift.GetProperty("features").GetProperty("age");
        Assert.InRange(age.GetProperty("n").GetInt64(), TwoPow53 - 2, TwoPow53);
        Assert.Equal(2.0 / 3, age.GetProperty("observed_proportions").GetProperty("1").GetDouble(), 12);
        Assert.Equal(1.0 / 3, age.GetProperty("observed_proportions").GetProperty("2").GetDouble(), 12);
        Assert.Equal(psi, age.GetProperty("psi").GetDouble(), 9);
        Assert.Equal(JsonValueKind.Null, drift.GetProperty("features").GetProperty("color").GetProperty("psi").ValueKind);

        var (_, check) = await fixture.RunCheckAsync(uid);

        var checkedAge = check.GetProperty("features").GetProperty("age");
        Assert.Equal("ok", checkedAge.GetProperty("status").GetString());
        Assert.InRange(checkedAge.GetProperty("n").GetInt64(), TwoPow53 - 2, TwoPow53);
        Assert.Equal(psi, checkedAge.GetProperty("psi").GetDouble(), 9);
        Assert.Equal(("invalid_data", "not_evaluated"), (check.GetProperty("features").GetProperty("color").GetProperty("status").GetString(),
            check.GetProperty("features").GetProperty("color").GetProperty("decision").GetString()));
    }

    [Fact]
    public async Task StoredSpcRows_WithExtremeMeansAndCounts_AreRead_AndInfiniteMeansSkipped()
    {
        var uid = await fixture.NewProfileAsync(DriftType.Spc);
        var db = fixture.Server.Database.Database;
        await Seed.SpcAsync(db, uid, "x", RecentTime, 1e308, long.MaxValue);
        await Seed.SpcAsync(db, uid, "x", RecentTime.AddSeconds(1), double.PositiveInfinity);
        if (fixture.Dialect == SqlDialect.Postgres) await Seed.SpcAsync(db, uid, "x", RecentTime.AddSeconds(2), double.NaN); // SQLite stores NaN as null: it cannot hold one
        await Seed.SpcAsync(db, uid, "x", RecentTime.AddSeconds(3), 10, 25);

        var (driftStatus, drift) = await fixture.DriftAsync("spc", uid);

        Assert.Equal(HttpStatusCode.OK, driftStatus);
        var x = drift.GetProperty("features").GetProperty("x");
        Assert.Equal([1e308, 10], x.GetProperty("means").EnumerateArray().Select(m => m.GetDouble()));
        Assert.Equal([long.MaxValue, 25], x.GetProperty("counts").EnumerateArray().Select(c => c.GetInt64()));
        Assert.Equal(4, x.GetProperty("codes")[0].GetInt32());

        var (_, check) = await fixture.RunCheckAsync(uid);

        var checkedX = check.GetProperty("features").GetProperty("x");
        Assert.Equal(("ok", 2), (checkedX.GetProperty("status").GetString(), checkedX.GetProperty("n").GetInt32()));
        Assert.Equal([1e308, 10], checkedX.GetProperty("last_samples").EnumerateArray().Select(s => s.GetProperty("mean").GetDouble()));
    }
}

public sealed class SqlitePoisonNumberTests(SqliteIngestServerFixture fixture) : PoisonNumberTests(fixture), IClassFixture<SqliteIngestServerFixture>;

public sealed class PostgresPoisonNumberTests(PostgresIngestServerFixture fixture) : PoisonNumberTests(fixture), IClassFixture<PostgresIngestServerFixture>;

/// <summary>The scheduled check over the same poisoned rows completes (its result is stored) instead of failing and retrying forever.</summary>
public sealed class PoisonNumberScheduledCheckTests
{
    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task ScheduledChecks_OverOverflowingRows_Complete(SqlDialect dialect)
    {
        await using var h = await JobsHarness.CreateAsync(dialect);
        var custom = await Seed.ProfileAsync(h.Database, Seed.Custom("poison-custom"), Seed.T0);
        await Seed.CustomAsync(h.Database, custom, "accuracy", Seed.T0.AddSeconds(1), 1e308, long.MaxValue);
        await Seed.CustomAsync(h.Database, custom, "accuracy", Seed.T0.AddSeconds(2), 1e308, long.MaxValue);
        var psi = await Seed.ProfileAsync(h.Database, Seed.Psi("poison-psi", new PsiThreshold()), Seed.T0);
        await Seed.PsiAsync(h.Database, psi, "x", Seed.T0.AddSeconds(1), new Dictionary<int, long> { [1] = long.MaxValue, [2] = long.MaxValue });
        await Seed.PsiAsync(h.Database, psi, "x", Seed.T0.AddSeconds(2), new Dictionary<int, long> { [3] = long.MaxValue, [4] = long.MaxValue });
        h.Time.Advance(TimeSpan.FromSeconds(6));

        await h.Runner().RunDueAsync();

        var customResult = JsonDocument.Parse(Assert.Single(await h.Store.ListChecksAsync(custom, null, null, 10, 0, TestContext.Current.CancellationToken)).ResultJson).RootElement;
        var accuracy = customResult.GetProperty("metrics").GetProperty("accuracy");
        Assert.Equal(("invalid_data", TwoPow53), (accuracy.GetProperty("status").GetString(), accuracy.GetProperty("n").GetInt64()));
        var psiResult = JsonDocument.Parse(Assert.Single(await h.Store.ListChecksAsync(psi, null, null, 10, 0, TestContext.Current.CancellationToken)).ResultJson).RootElement;
        var x = psiResult.GetProperty("features").GetProperty("x");
        // Four equal bins against a baseline of four equal bins: no drift.
        Assert.Equal(("ok", "no_alert"), (x.GetProperty("status").GetString(), x.GetProperty("decision").GetString()));
        Assert.Equal(0, x.GetProperty("psi").GetDouble(), 12);
    }

    private const long TwoPow53 = 1L << 53;
}
