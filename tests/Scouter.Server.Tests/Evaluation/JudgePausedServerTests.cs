using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scouter.Server.Storage;
using Scouter.Server.Tests.Fixtures;
using Scouter.Testing;
using Xunit;

namespace Scouter.Server.Tests.Evaluation;

/// <summary>A judge that refuses the key, seen through the real server: paused judging shows in the LLM query API and in /metrics, and spends no attempt.</summary>
public sealed class JudgePausedServerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Unauthorized_ShowsAsPausedInTheLlmApiAndMetrics_RecordStaysPendingWithoutAttempts()
    {
        await using var judge = await ScriptedJudge.StartAsync(_ => ScriptedAnswer.Error(401));
        await using var server = await TestServer.StartAsync(SqlDialect.Sqlite, o =>
        {
            o.Judge.Endpoint = judge.Endpoint;
            o.Judge.Model = "judge";
            o.Judge.ApiKey = "revoked-key";
            o.Evaluation.PollInterval = TimeSpan.FromMilliseconds(50);
        });
        var uid = await IngestServerFixture.RegisterAsync(server, TestProfiles.Llm("paused"));
        var now = TimeProvider.System.GetUtcNow();
        var batch = new JsonObject
        {
            ["batch_id"] = Guid.CreateVersion7().ToString(),
            ["records"] = new JsonArray(new JsonObject
            {
                ["type"] = "llm", ["uid"] = uid.ToString(), ["created_at"] = now.ToString("O", CultureInfo.InvariantCulture),
                ["record_id"] = Guid.CreateVersion7().ToString(), ["input"] = "2+2?", ["response"] = "4",
            }),
        };
        Assert.Equal(HttpStatusCode.Accepted, (await IngestServerFixture.PostAsync(server.Admin, batch)).Status);

        JsonElement drift;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct))
        {
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            while (true)
            {
                drift = (await IngestServerFixture.GetAsync(server.Admin, $"drift/llm?uid={uid}")).Body;
                if (drift.GetProperty("judge").GetProperty("state").GetString() == "paused") break;
                await Task.Delay(50, timeout.Token);
            }
        }
        Assert.Equal("judge: http 401", drift.GetProperty("judge").GetProperty("reason").GetString());
        Assert.Equal(1, drift.GetProperty("record_status").GetProperty("pending").GetInt64());

        var (_, page) = await IngestServerFixture.GetAsync(server.Admin, $"llm/records?uid={uid}");
        Assert.Equal("paused", page.GetProperty("judge").GetProperty("state").GetString());
        var record = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal(("pending", 0), (record.GetProperty("status").GetString(), record.GetProperty("attempts").GetInt32()));
        Assert.Equal(1, judge.RequestCount);
        Assert.Equal("Bearer revoked-key", Assert.Single(judge.Requests).Authorization);

        var metrics = await server.CreateClient().GetStringAsync("/metrics", Ct);
        Assert.Contains("scouter_llm_judging_paused 1", metrics, StringComparison.Ordinal);
        Assert.Matches("scouter_llm_judge_calls_total\\{[^}]*outcome=\"configuration\"[^}]*\\} 1", metrics);
    }
}
