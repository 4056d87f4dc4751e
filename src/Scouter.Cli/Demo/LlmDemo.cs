using System.Globalization;
using Scouter.Client;
using Scouter.Server;
using Scouter.Testing;

namespace Scouter.Cli.Demo;

/// <summary>
/// The demo's LLM profile: a loan assistant's answers, judged for helpfulness and asserted to state
/// the decision. Without <c>SCOUTER_LLM_ENDPOINT</c> the judge is the scripted judge on loopback — not a
/// model: it gives 2 to an answer that does not help, 5 to an approval and 4 to a refusal that
/// explains itself — and the demo says so; with it, the server asks that endpoint.
/// </summary>
internal static class LlmDemo
{
    public const string Alias = "llm";
    public const string JudgeMetric = "helpfulness";
    public const string Assertion = "states_decision";

    /// <summary>One LLM record per this many inferences.</summary>
    public const int InferencesPerRecord = 100;

    private const string Unhelpful = "Sorry, I cannot help with that.";

    /// <summary>The scripted judge, or null when <c>SCOUTER_LLM_ENDPOINT</c> names a real one.</summary>
    public static async Task<ScriptedJudge?> StartJudgeAsync() =>
        string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("SCOUTER_LLM_ENDPOINT")) ? await ScriptedJudge.StartAsync(Answer) : null;

    /// <summary>Points the embedded server at the scripted judge (a real endpoint comes from the environment).</summary>
    public static void ConfigureServer(ServerOptions options, ScriptedJudge? judge)
    {
        if (judge is not null)
        {
            options.Judge.Endpoint = judge.Endpoint;
            options.Judge.Model = "demo";
            options.Judge.ApiKey = null;
        }
        options.Evaluation.PollInterval = TimeSpan.FromMilliseconds(200);
    }

    /// <summary>What the report says about the judge.</summary>
    public static string JudgeDescription(ScriptedJudge? judge) => judge is not null
        ? $"LLM judge: {ScriptedJudge.ModelName} (set SCOUTER_LLM_ENDPOINT to use a real one)"
        : $"LLM judge: {Environment.GetEnvironmentVariable("SCOUTER_LLM_ENDPOINT")} (model {Environment.GetEnvironmentVariable("SCOUTER_LLM_MODEL")})";

    /// <summary>The LLM profile: helpfulness 1-5 (baseline 4, alert below 3.5) and the decision assertion (baseline 1, alert below 0.9).</summary>
    public static LlmDriftProfile Profile(string space, string name, string version) => new(
        new LlmDriftConfig { Space = space, Name = name, Version = version },
        [new LlmMetric(JudgeMetric, 4, "Rate 1-5 how helpful this answer to a loan applicant is.\nApplicant: ${input}\nAnswer: ${response}",
            AlertThreshold.Below, delta: 0.5, scoreRange: new ScoreRange(1, 5))],
        [new AssertionMetric(Assertion, 1, "response", AssertionOperator.ContainsAny, new System.Text.Json.Nodes.JsonArray("Approved", "Declined"), delta: 0.1)]);

    /// <summary>The record of one inference: calm answers explain the decision, drifted ones do not help.</summary>
    public static LlmRecord Record(bool drifted, bool approved, double creditScore, double debtRatio)
    {
        var question = string.Create(CultureInfo.InvariantCulture, $"Can I get a loan? My credit score is {creditScore:0} and my debt ratio {debtRatio:0.00}.");
        var answer = drifted ? Unhelpful
            : approved ? string.Create(CultureInfo.InvariantCulture, $"Approved: a credit score of {creditScore:0} and a debt ratio of {debtRatio:0.00} are within policy.")
            : string.Create(CultureInfo.InvariantCulture, $"Declined: policy needs a credit score of at least 620 and a debt ratio below 0.45; yours are {creditScore:0} and {debtRatio:0.00}.");
        return new LlmRecord(question, answer, new Dictionary<string, object?> { ["channel"] = "web" });
    }

    /// <summary>Waits (bounded) until every stored record is judged or failed, or judging is paused; returns the status counts.</summary>
    public static async Task<IReadOnlyDictionary<string, long>> WaitForJudgingAsync(ScouterClient client, Guid uid, long expected, DateTimeOffset from, TimeSpan timeout,
        CancellationToken ct)
    {
        var deadline = TimeProvider.System.GetUtcNow() + timeout;
        while (true)
        {
            var drift = await client.GetLlmDriftAsync(uid, from, TimeProvider.System.GetUtcNow().AddMinutes(1), 1, ct);
            var counts = drift.RecordStatus ?? new Dictionary<string, long>();
            var finished = counts.GetValueOrDefault("done") + counts.GetValueOrDefault("failed");
            // A paused judge (wrong key, unknown model) will not finish: report what there is instead of waiting out the bound.
            if (finished >= expected || drift.Judge?.State is "paused" or "not_configured" || TimeProvider.System.GetUtcNow() > deadline) return counts;
            await Task.Delay(100, ct);
        }
    }

    private static ScriptedAnswer Answer(ScriptedJudgeRequest request)
    {
        var prompt = request.Messages[^1].Content;
        var answer = prompt[(prompt.IndexOf("Answer: ", StringComparison.Ordinal) + "Answer: ".Length)..];
        return answer.StartsWith(Unhelpful, StringComparison.Ordinal) ? ScriptedAnswer.Score(2, "does not address the question")
            : answer.StartsWith("Approved", StringComparison.Ordinal) ? ScriptedAnswer.Score(5, "clear decision with the reasons")
            : ScriptedAnswer.Score(4, "clear refusal with the policy");
    }
}
