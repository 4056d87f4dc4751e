using System.Globalization;
using System.Text.RegularExpressions;
using Scouter.Client;
using Scouter.IntegrationTests.Fixtures;
using Scouter.Testing;
using Xunit;

namespace Scouter.IntegrationTests.Http;

/// <summary>
/// LLM monitoring end to end: records through the HTTP queue, judged by the server's worker asking the
/// scripted judge on loopback (not a model: it answers the score written in each record's response),
/// then manual drift checks and their alerts.
/// </summary>
public sealed partial class LlmEndToEndTests
{
    private const string ManualChecksOnly = "0 0 0 29 2 *";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static LlmDriftProfile Profile(string space, string prompt) => new(
        new LlmDriftConfig { Space = space, Name = "bot", Version = "1.0.0", AlertConfig = new LlmAlertConfig { Schedule = ManualChecksOnly } },
        [new LlmMetric("relevance", 4, prompt, AlertThreshold.Below, delta: 0.5, scoreRange: new ScoreRange(1, 5))]);

    /// <summary>The scripted judge's rule: "score N" in the prompt → {"score": N}; "garbage" → an answer that is not JSON.</summary>
    private static ScriptedAnswer Judge(ScriptedJudgeRequest request)
    {
        var prompt = request.Messages[^1].Content;
        if (prompt.Contains("garbage", StringComparison.Ordinal)) return ScriptedAnswer.Reply("I would rather not say.");
        var score = double.Parse(ScoreText().Match(prompt).Groups[1].Value, CultureInfo.InvariantCulture);
        return ScriptedAnswer.Score(score, "scripted");
    }

    [GeneratedRegex(@"score (\d+(?:\.\d+)?)")]
    private static partial Regex ScoreText();

    [Fact]
    public async Task ScoresThroughTheQueue_AlertAtMean3Point25_ResolveAt5_GarbageRaisesEvaluationFailures_MissingVariableCallsNothing()
    {
        await using var judge = await ScriptedJudge.StartAsync(Judge);
        await using var database = await PostgresDatabase.CreateAsync();
        await using var server = await BrokerTestServer.StartAsync(database, o =>
        {
            o.Judge.Endpoint = judge.Endpoint;
            o.Judge.Model = "judge";
            o.Evaluation.PollInterval = TimeSpan.FromMilliseconds(100);
            o.Evaluation.MaxAttempts = 2;
            o.Evaluation.RetryInitial = TimeSpan.FromMilliseconds(50);
            o.Evaluation.RetryMax = TimeSpan.FromMilliseconds(100);
        });
        await using var admin = server.AdminClient();
        var scored = await admin.RegisterProfileAsync(Profile("llm-e2e", "Rate the answer ${response} to ${input}."), setActive: true, cancellationToken: Ct);
        var garbage = await admin.RegisterProfileAsync(Profile("llm-garbage", "Rate ${response}."), setActive: true, cancellationToken: Ct);
        var missing = await admin.RegisterProfileAsync(Profile("llm-missing", "Compare ${response} with ${context.reference}."), setActive: true, cancellationToken: Ct);

        var queue = ScouterQueue.FromProfiles(
            new Dictionary<string, DriftProfile> { ["scored"] = scored, ["garbage"] = garbage, ["missing"] = missing },
            new HttpTransport(new ScouterClientOptions { ServerUri = server.Url, Username = "admin", Password = BrokerTestServer.AdminPassword }));
        // 10 each of 2, 3, 4 and 4: mean 13/4 = 3.25, below 4 - 0.5.
        foreach (var score in new[] { 2, 3, 4, 4 })
        {
            for (var i = 0; i < 10; i++) queue["scored"].Insert(new LlmRecord($"question {score}.{i}", $"score {score}"));
        }
        for (var i = 0; i < 10; i++) queue["garbage"].Insert(new LlmRecord($"question {i}", "garbage"));
        queue["missing"].Insert(new LlmRecord("question", "score 5"));
        await queue.FlushAsync(Ct);

        await WaitForStatusAsync(admin, scored.Config.Uid, "done", 40);
        await WaitForStatusAsync(admin, garbage.Config.Uid, "failed", 10);
        await WaitForStatusAsync(admin, missing.Config.Uid, "failed", 1);
        Assert.Equal(40 + 10 * 2, judge.RequestCount); // one call per scored record, two attempts per garbage one, none for the missing variable
        Assert.DoesNotContain(judge.Requests, r => r.Messages[^1].Content.Contains("reference", StringComparison.Ordinal));

        var first = await admin.RunDriftCheckAsync(scored.Config.Uid, Ct);
        var relevance = first.GetProperty("metrics").GetProperty("relevance");
        Assert.Equal((40, 3.25, "alert"), (relevance.GetProperty("n").GetInt32(), relevance.GetProperty("observed").GetDouble(), relevance.GetProperty("decision").GetString()));
        var alert = Assert.Single((await admin.GetAlertsAsync(new AlertQuery { Uid = scored.Config.Uid }, Ct)).Items);
        Assert.Equal(("relevance", "llm", "firing"), (alert.FeatureOrMetric, alert.Kind, alert.Status));

        for (var i = 0; i < 40; i++) queue["scored"].Insert(new LlmRecord($"question 5.{i}", "score 5"));
        await queue.FlushAsync(Ct);
        await WaitForStatusAsync(admin, scored.Config.Uid, "done", 80);
        // A manual check reads from the last scheduled slot (none yet), so it sees all 80 scores: (130 + 200) / 80.
        var second = await admin.RunDriftCheckAsync(scored.Config.Uid, Ct);
        relevance = second.GetProperty("metrics").GetProperty("relevance");
        Assert.Equal((80, 4.125, "no_alert"), (relevance.GetProperty("n").GetInt32(), relevance.GetProperty("observed").GetDouble(), relevance.GetProperty("decision").GetString()));
        Assert.Equal("resolved", Assert.Single((await admin.GetAlertsAsync(new AlertQuery { Uid = scored.Config.Uid }, Ct)).Items).Status);

        var failures = await admin.RunDriftCheckAsync(garbage.Config.Uid, Ct);
        Assert.Equal("no_data", failures.GetProperty("metrics").GetProperty("relevance").GetProperty("status").GetString());
        Assert.Equal((0, 10, 1.0), (failures.GetProperty("evaluation").GetProperty("done").GetInt32(), failures.GetProperty("evaluation").GetProperty("failed").GetInt32(),
            failures.GetProperty("evaluation").GetProperty("failure_rate").GetDouble()));
        var failureAlert = Assert.Single((await admin.GetAlertsAsync(new AlertQuery { Uid = garbage.Config.Uid }, Ct)).Items);
        Assert.Equal(("evaluation", "evaluation_failures"), (failureAlert.FeatureOrMetric, failureAlert.Kind));

        await queue.ShutdownAsync(TimeSpan.FromSeconds(30));
    }

    private static async Task WaitForStatusAsync(ScouterClient admin, Guid uid, string status, long count)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(90));
        while (true)
        {
            var drift = await admin.GetLlmDriftAsync(uid, DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue.AddYears(-1), cancellationToken: timeout.Token);
            if (drift.RecordStatus is { } counts && counts.TryGetValue(status, out var n) && n >= count)
            {
                Assert.Equal(count, n);
                return;
            }
            await Task.Delay(100, timeout.Token);
        }
    }
}
