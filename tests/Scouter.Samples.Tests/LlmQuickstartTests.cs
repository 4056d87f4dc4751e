using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Scouter.Client;
using Scouter.Server;
using Scouter.Testing;
using Xunit;

namespace Scouter.Samples.Tests;

/// <summary>The LLM quickstart against a real server whose judge is the scripted judge on loopback (not a model).</summary>
public sealed class LlmQuickstartTests
{
    [Fact]
    public async Task Ask_20Questions_RecordsArriveAndAreJudged_WithThePromptFilledFromTheRecord()
    {
        var ct = TestContext.Current.CancellationToken;
        // The scripted judge scores an answer that names Paris 5 and any other answer 2.
        await using var judge = await ScriptedJudge.StartAsync(r => ScriptedAnswer.Score(r.Messages[^1].Content.Contains("Paris", StringComparison.Ordinal) ? 5 : 2));
        await using var server = await SampleServer.StartAsync(o =>
        {
            o.Judge.Endpoint = judge.Endpoint;
            o.Judge.Model = "judge";
            o.Evaluation.PollInterval = TimeSpan.FromMilliseconds(100);
        });

        var app = await LlmQuickstart.Program.BuildAsync(server.SampleArgs(), ct);
        Guid uid;
        await using (app)
        {
            await app.StartAsync(ct);
            uid = app.Services.GetRequiredService<ScouterQueue>()[LlmQuickstart.Program.Alias].Profile.Config.Uid;
            using var http = new HttpClient { BaseAddress = new Uri(ScouterServer.Url(app)) };
            for (var i = 0; i < 20; i++)
            {
                var question = i % 4 == 0 ? "What is the capital of Peru?" : "What is the capital of France?";
                using var response = await http.PostAsJsonAsync("/ask", new { question }, ct);
                response.EnsureSuccessStatusCode();
                using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
                Assert.Equal(i % 4 == 0 ? "I do not know." : "Paris is the capital of France.", body.RootElement.GetProperty("answer").GetString());
            }
            await app.StopAsync(ct); // flushes the queue
        }

        await using var admin = server.AdminClient();
        var drift = await CustomMetricQuickstartTests.WaitForAsync(async () =>
        {
            var now = TimeProvider.System.GetUtcNow();
            return await admin.GetLlmDriftAsync(uid, now.AddHours(-1), now.AddMinutes(1), 1, ct);
        }, d => d.RecordStatus?.GetValueOrDefault("done") == 20, ct);

        Assert.Equal(20, drift.RecordStatus!["done"]);
        Assert.Equal("running", drift.Judge!.State);
        // 15 answers name Paris (judged 5, contain "capital"), 5 do not (judged 2, no "capital").
        Assert.Equal((20, 4.25), (drift.Metrics["relevance"].Count, drift.Metrics["relevance"].Mean!.Value));
        Assert.Equal((20, 0.75), (drift.Metrics["names_a_capital"].Count, drift.Metrics["names_a_capital"].Mean!.Value));
        Assert.Equal(20, judge.RequestCount);
        Assert.Contains(judge.Requests, r => r.Messages[^1].Content ==
            "Rate from 1 to 5 how well the response answers the question.\nQuestion: What is the capital of Peru?\nResponse: I do not know.\nTopic hint: bar");
    }
}
