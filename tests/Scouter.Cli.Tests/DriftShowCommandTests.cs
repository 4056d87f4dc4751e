using Scouter.Records;
using Xunit;

namespace Scouter.Cli.Tests;

public sealed class DriftShowCommandTests(OperatorServer server) : IClassFixture<OperatorServer>
{
    private static DateTimeOffset Now => TimeProvider.System.GetUtcNow();

    [Fact]
    public async Task Psi_Json_HasThePsiOfTheSentCounts()
    {
        using var session = server.AdminSession();
        var uid = await RegisterPsiWithRecordsAsync();

        var drift = await session.JsonAsync("drift", "show", "--uid", uid.ToString());

        Assert.Equal("psi", drift.GetProperty("drift_type").GetString());
        Assert.Equal(uid.ToString(), drift.GetProperty("uid").GetString());
        var age = drift.GetProperty("features").GetProperty("age");
        // Baseline 0.1 missing, 0.3/0.4/0.2 in the bins; sent 5 missing, 10/40/45 of 100.
        double[] p = [0.1, 0.3, 0.4, 0.2], q = [0.05, 0.10, 0.40, 0.45];
        var expected = p.Zip(q, (b, o) => (b - o) * Math.Log(b / o)).Sum();
        Assert.Equal(expected, age.GetProperty("psi").GetDouble(), 6);
        Assert.Equal(100, age.GetProperty("n").GetInt64());
        Assert.True(age.GetProperty("alert").GetBoolean());
        var score = drift.GetProperty("features").GetProperty("score");
        Assert.Equal(0, score.GetProperty("psi").GetDouble(), 6);
        Assert.Equal(80, score.GetProperty("n").GetInt64());
        Assert.False(score.GetProperty("alert").GetBoolean());
    }

    [Fact]
    public async Task Psi_Table_NamesTheFeatures_AndDrawsTheChart()
    {
        using var session = server.AdminSession();
        var uid = await RegisterPsiWithRecordsAsync();

        var result = await session.RunAsync("drift", "show", "--uid", uid.ToString());

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Empty(result.Error);
        Assert.Contains("age", result.Out);
        Assert.Contains("score", result.Out);
        Assert.Contains("PSI over the window", result.Out);
        Assert.Contains("1 of 2 features alert", result.Out);
    }

    [Fact]
    public async Task Spc_Json_HasTheSentMeansInTimeOrder()
    {
        using var session = server.AdminSession();
        var uid = await server.RegisterAsync(new SpcDriftProfile(
            new SpcDriftConfig { Space = OperatorServer.UniqueSpace(), Name = "m", Version = "1.0.0", FeaturesToMonitor = ["x"] },
            new Dictionary<string, SpcFeatureProfile> { ["x"] = new(10, 1, 20, 0) }), uid =>
        [
            new SpcRecord { Uid = uid, CreatedAt = Now.AddMinutes(-3), Feature = "x", Mean = 10.5, Count = 25 },
            new SpcRecord { Uid = uid, CreatedAt = Now.AddMinutes(-2), Feature = "x", Mean = 14.25, Count = 25 },
        ]);

        var drift = await session.JsonAsync("drift", "show", "--uid", uid.ToString(), "--from", Now.AddHours(-1).ToString("O"));
        var table = await session.RunAsync("drift", "show", "--uid", uid.ToString());

        Assert.Equal("spc", drift.GetProperty("drift_type").GetString());
        var x = drift.GetProperty("features").GetProperty("x");
        Assert.Equal([10.5, 14.25], x.GetProperty("means").EnumerateArray().Select(m => m.GetDouble()));
        Assert.Equal(10, x.GetProperty("limits").GetProperty("center").GetDouble());
        Assert.True(table.ExitCode == 0, table.Error);
        Assert.Contains("x", table.Out);
        Assert.Contains("14.25", table.Out);
    }

    [Fact]
    public async Task Custom_Json_HasTheCountWeightedMean_AndTableNotesTheBaseline()
    {
        using var session = server.AdminSession();
        var uid = await server.RegisterAsync(OperatorServer.Mae(OperatorServer.UniqueSpace()), uid =>
        [
            new CustomRecord { Uid = uid, CreatedAt = Now.AddMinutes(-3), Metric = "mae", Sum = 12, Count = 10 },
            new CustomRecord { Uid = uid, CreatedAt = Now.AddMinutes(-2), Metric = "mae", Sum = 9, Count = 5 },
        ]);

        var drift = await session.JsonAsync("drift", "show", "--uid", uid.ToString(), "--buckets", "4");
        var table = await session.RunAsync("drift", "show", "--uid", uid.ToString());

        Assert.Equal("custom", drift.GetProperty("drift_type").GetString());
        Assert.Equal(4, drift.GetProperty("bucket_starts").GetArrayLength());
        var mae = drift.GetProperty("metrics").GetProperty("mae");
        Assert.Equal(21.0 / 15, mae.GetProperty("mean").GetDouble(), 9);
        Assert.Equal(15, mae.GetProperty("count").GetInt64());
        Assert.Equal(1.0, mae.GetProperty("baseline").GetDouble());
        Assert.False(mae.GetProperty("alert").GetBoolean());
        Assert.True(table.ExitCode == 0, table.Error);
        Assert.Contains("mae", table.Out);
        Assert.Contains("mae: alert when mean > 1.5", table.Out);
        Assert.Contains("1.4", table.Out);
    }

    [Fact]
    public async Task Llm_Json_CountsTheRecordsByEvaluationStatus_AndTableNamesTheMetric()
    {
        using var session = server.AdminSession();
        var uid = await server.RegisterAsync(new LlmDriftProfile(
            new LlmDriftConfig { Space = OperatorServer.UniqueSpace(), Name = "chat", Version = "1.0.0" },
            [new LlmMetric("relevance", 4, "Rate the relevance of ${response} to ${input} from 1 to 5.")]), uid =>
        [
            new LlmDriftRecord { Uid = uid, CreatedAt = Now.AddMinutes(-2), RecordId = Guid.CreateVersion7(), Input = "q1", Response = "a1" },
            new LlmDriftRecord { Uid = uid, CreatedAt = Now.AddMinutes(-1), RecordId = Guid.CreateVersion7(), Input = "q2", Response = "a2" },
        ]);

        var drift = await session.JsonAsync("drift", "show", "--uid", uid.ToString());
        var table = await session.RunAsync("drift", "show", "--uid", uid.ToString());

        Assert.Equal("llm", drift.GetProperty("drift_type").GetString());
        Assert.Equal(2, drift.GetProperty("record_status").EnumerateObject().Sum(p => p.Value.GetInt64()));
        Assert.Equal(4, drift.GetProperty("metrics").GetProperty("relevance").GetProperty("baseline").GetDouble());
        Assert.True(table.ExitCode == 0, table.Error);
        Assert.Contains("relevance", table.Out);
        Assert.Contains("records:", table.Out);
    }

    [Fact]
    public async Task FromNotBeforeTo_Exit2NamingTheOption()
    {
        using var session = server.AdminSession();

        var result = await session.RunAsync("drift", "show", "--uid", Guid.NewGuid().ToString(), "--from", "2026-01-02T00:00:00Z", "--to", "2026-01-01T00:00:00Z");

        result.AssertFailed(2, "--from", "--to");
    }

    [Fact]
    public async Task UidNotAGuid_Exit2OneLine()
    {
        using var session = server.AdminSession();

        var result = await session.RunAsync("drift", "show", "--uid", "notaguid");

        result.AssertFailed(2, "--uid", "notaguid");
    }

    private Task<Guid> RegisterPsiWithRecordsAsync() => server.RegisterAsync(new PsiDriftProfile(
            new PsiDriftConfig { Space = OperatorServer.UniqueSpace(), Name = "m", Version = "1.0.0" },
            new Dictionary<string, PsiFeatureProfile>
            {
                ["age"] = new(FeatureKind.Numeric, [30, 50], null, [0.3, 0.4, 0.2], 0.1, 100, 10),
                ["score"] = new(FeatureKind.Numeric, [0.5], null, [0.5, 0.5], 0, 100, 0),
            }), uid =>
        [
            new PsiRecord { Uid = uid, CreatedAt = Now.AddMinutes(-5), Feature = "age", BinCounts = new Dictionary<int, long> { [0] = 5, [1] = 10, [2] = 40, [3] = 45 } },
            new PsiRecord { Uid = uid, CreatedAt = Now.AddMinutes(-5), Feature = "score", BinCounts = new Dictionary<int, long> { [1] = 40, [2] = 40 } },
        ]);
}
