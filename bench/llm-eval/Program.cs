// LLM evaluation throughput: an embedded server judges records through the scripted judge on
// loopback (an OpenAI-compatible stub that answers at once: it measures the server's own cost per
// judged record, not a model's) with the default evaluation limits (4 calls in flight, no rate
// limit). Records arrive through the client's HTTP queue; the figure is judged records per second
// from the first insert until every record is done, plus the judge calls made. Usage:
//   dotnet run -c Release --project bench/llm-eval [-- --records 5000] [--database-uri postgresql://...]
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scouter;
using Scouter.Client;
using Scouter.Server;
using Scouter.Testing;

var databaseUri = Option("--database-uri");
var records = int.Parse(Option("--records") ?? "5000", CultureInfo.InvariantCulture);
const string Password = "llm-eval-admin-password";

await using var judge = await ScriptedJudge.StartAsync(_ => ScriptedAnswer.Score(4, "scripted"));
var dataDir = Directory.CreateTempSubdirectory("scouter-llm-eval-").FullName;
await using var app = ScouterServer.Build([], o =>
{
    o.Port = 0;
    o.DataDir = dataDir;
    o.DatabaseUri = databaseUri;
    o.AdminPassword = Password;
    o.Judge.Endpoint = judge.Endpoint;
    o.Judge.Model = "bench";
    o.Evaluation.PollInterval = TimeSpan.FromMilliseconds(100);
}, s => s.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning)));
await app.StartAsync();
var url = ScouterServer.Url(app);
var limits = app.Services.GetRequiredService<ServerOptions>().Evaluation;
Console.WriteLine($"server {url} on {(databaseUri is null ? "SQLite" : "PostgreSQL")}; judge: {ScriptedJudge.ModelName} at {judge.Endpoint}");
Console.WriteLine($"limits: {limits.Concurrency} judge calls in flight, {(limits.RequestsPerMinute == 0 ? "no rate limit" : $"{limits.RequestsPerMinute}/min")}; {records:N0} records, one judge metric and one assertion each");
await using var admin = new ScouterClient(new ScouterClientOptions { ServerUri = url, Username = "admin", Password = Password });

var profile = await admin.RegisterProfileAsync(new LlmDriftProfile(
    new LlmDriftConfig { Space = "bench", Name = "bot", Version = "1.0.0", AlertConfig = new LlmAlertConfig { Schedule = "0 0 0 29 2 *" } },
    [new LlmMetric("relevance", 4, "Rate how well ${response} answers ${input} from 1 to 5.", scoreRange: new ScoreRange(1, 5))],
    [new AssertionMetric("not_empty", 1, "response", AssertionOperator.IsNotEmpty)]), setActive: true);

var clock = Stopwatch.StartNew();
await using (var queue = ScouterQueue.FromProfiles(new Dictionary<string, DriftProfile> { ["llm"] = profile },
    new HttpTransport(new ScouterClientOptions { ServerUri = url, Username = "admin", Password = Password })))
{
    for (var i = 0; i < records; i++)
        queue["llm"].Insert(new LlmRecord($"question {i}: what is {i} + {i}?", $"{2 * i}", new Dictionary<string, object?> { ["user"] = i % 97 }));
    await queue.FlushAsync();
}
var ingested = clock.Elapsed;

long done = 0;
while (done < records)
{
    var drift = await admin.GetLlmDriftAsync(profile.Config.Uid, DateTimeOffset.UnixEpoch, new DateTimeOffset(9000, 1, 1, 0, 0, 0, TimeSpan.Zero), buckets: 1);
    done = drift.RecordStatus?.GetValueOrDefault("done") ?? 0;
    if (drift.RecordStatus?.GetValueOrDefault("failed") is > 0 and var failed) throw new InvalidOperationException($"{failed} records failed evaluation");
    if (done < records) await Task.Delay(50);
}
var judged = clock.Elapsed;

Console.WriteLine($"ingested (queue flushed): {ingested.TotalSeconds:F2} s");
Console.WriteLine($"all judged: {judged.TotalSeconds:F2} s after the first insert; judge calls {judge.RequestCount:N0}");
Console.WriteLine($"throughput: {records / judged.TotalSeconds:F0} judged records/s");
await app.StopAsync();

string? Option(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
