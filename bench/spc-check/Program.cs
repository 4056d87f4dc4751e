// One SPC drift check over a large window, against an embedded server: seeds N sample means
// (default 1 000 000) for one profile straight into the record store, runs one manual check and
// reports its wall time, the process's managed heap / working-set growth and allocated bytes,
// the stored check row, the alert payloads, the webhook bodies (a loopback receiver) and the
// GET /alerts response. Usage:
//   dotnet run -c Release --project bench/spc-check [-- --samples 1000000] [--database-uri postgresql://...]
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scouter;
using Scouter.Client;
using Scouter.Server;
using Scouter.Server.Storage;

var databaseUri = Option("--database-uri");
var samples = int.Parse(Option("--samples") ?? "1000000", CultureInfo.InvariantCulture);
const string Password = "spc-check-admin-password";

// The webhook receiver: records each body's size.
var bodies = new ConcurrentQueue<long>();
var receiverBuilder = WebApplication.CreateSlimBuilder();
receiverBuilder.Logging.ClearProviders();
receiverBuilder.WebHost.UseUrls("http://127.0.0.1:0");
receiverBuilder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null); // the bodies are what is measured
await using var receiver = receiverBuilder.Build();
receiver.MapPost("/hook", async (HttpRequest request) =>
{
    using var buffer = new MemoryStream();
    await request.Body.CopyToAsync(buffer);
    bodies.Enqueue(buffer.Length);
    return Results.Ok();
});
await receiver.StartAsync();
var hookUrl = receiver.Urls.First() + "/hook";

var dataDir = Directory.CreateTempSubdirectory("scouter-spc-check-").FullName;
await using var app = ScouterServer.Build([], o =>
{
    o.Port = 0;
    o.DataDir = dataDir;
    o.DatabaseUri = databaseUri;
    o.AdminPassword = Password;
    o.JobPollInterval = TimeSpan.FromMilliseconds(200);
    o.WebhookSecret = "spc-check-webhook-secret";
    o.AlertAllowedHosts = "127.0.0.1"; // the receiver is on loopback, which alert destinations may not reach by default
}, s => s.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning)));
await app.StartAsync();
var url = ScouterServer.Url(app);
Console.WriteLine($"server {url} on {(databaseUri is null ? "SQLite" : "PostgreSQL")}, {samples:N0} SPC samples");
await using var admin = new ScouterClient(new ScouterClientOptions { ServerUri = url, Username = "admin", Password = Password });

// A yearly schedule: the scheduled runner stays out of the way of the measured manual check.
var profile = await admin.RegisterProfileAsync(new SpcDriftProfile(
    new SpcDriftConfig
    {
        Space = "bench", Name = "spc-check", Version = "1.0.0",
        AlertConfig = new SpcAlertConfig { Schedule = "0 0 0 1 1 *", TrendLength = 0, Dispatch = [new WebhookDispatchConfig { Url = hookUrl }] },
    },
    new Dictionary<string, SpcFeatureProfile> { ["x"] = new(10, 1, 10, 0) }), setActive: true);
var uid = profile.Config.Uid;

// Samples 2 ms apart ending a minute ago; mostly inside one sigma, with a sample beyond three
// sigma every 1 000 and a run of 8 above the center every 5 000, so two rules fire many times.
var records = app.Services.GetRequiredService<IRecordStore>();
var end = TimeProvider.System.GetUtcNow().AddMinutes(-1);
var seeding = Stopwatch.StartNew();
const int BatchRows = 10_000;
for (var first = 0; first < samples; first += BatchRows)
{
    var batch = new IngestBatch { BatchId = Guid.CreateVersion7(), ReceivedAt = TimeProvider.System.GetUtcNow(), Records = Math.Min(BatchRows, samples - first) };
    for (var i = first; i < first + batch.Records; i++)
    {
        var mean = i % 1_000 == 999 ? 14.5 : i % 5_000 < 8 ? 10.5 : 10 + (i % 2 == 0 ? 0.3 : -0.3);
        batch.Spc.Add(new SpcSampleRow(uid, "x", end.AddMilliseconds(-2.0 * (samples - i)), mean, 25));
    }
    await records.IngestAsync(batch);
}
Console.WriteLine($"seeded in {seeding.Elapsed.TotalSeconds:F1} s");

using var http = new HttpClient { BaseAddress = new Uri(url + "/api/v1/"), Timeout = TimeSpan.FromMinutes(10) };
var token = await (await http.PostAsJsonAsync("auth/token", new { username = "admin", password = Password })).Content.ReadFromJsonAsync<JsonElement>();
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("access_token").GetString());

GC.Collect();
GC.WaitForPendingFinalizers();
GC.Collect();
using var process = Process.GetCurrentProcess();
process.Refresh();
var heapBefore = GC.GetTotalMemory(false);
var workingSetBefore = process.WorkingSet64;
var allocatedBefore = GC.GetTotalAllocatedBytes(true);
var watch = Stopwatch.StartNew();
using var run = await http.PostAsync($"profiles/{uid}/run", null);
var runBody = await run.Content.ReadAsStringAsync();
watch.Stop();
var allocated = GC.GetTotalAllocatedBytes(true) - allocatedBefore;
var heapAfter = GC.GetTotalMemory(false);
process.Refresh();
var peakWorkingSet = process.PeakWorkingSet64;
var workingSetAfter = process.WorkingSet64;
using var runJson = JsonDocument.Parse(runBody);
var alertCount = runJson.RootElement.GetProperty("alert_count").GetInt32();

using var checks = await http.GetAsync($"profiles/{uid}/checks?page_size=1");
using var checksJson = JsonDocument.Parse(await checks.Content.ReadAsStringAsync());
var checkRow = checksJson.RootElement[0].GetProperty("result").GetRawText().Length;

using var alerts = await http.GetAsync($"alerts?uid={uid}");
var alertsBody = await alerts.Content.ReadAsByteArrayAsync();
using var alertsJson = JsonDocument.Parse(alertsBody);
var payloads = alertsJson.RootElement.GetProperty("items").EnumerateArray().Select(a => (long)a.GetProperty("payload").GetRawText().Length).ToList();

// The dispatcher sends one webhook per opened alert.
var waited = Stopwatch.StartNew();
while (bodies.Count < alertCount && waited.Elapsed < TimeSpan.FromMinutes(2)) await Task.Delay(100);

Console.WriteLine($"check: HTTP {(int)run.StatusCode}, {alertCount} alert(s), wall {watch.Elapsed.TotalSeconds:F2} s");
Console.WriteLine($"managed heap growth {Mib(heapAfter - heapBefore)}, working set growth {Mib(workingSetAfter - workingSetBefore)} (peak {Mib(peakWorkingSet - workingSetBefore)} above the start), allocated {Mib(allocated)}");
Console.WriteLine($"manual run response {Size(runBody.Length)}; stored check row {Size(checkRow)}");
Console.WriteLine($"alert payloads: {string.Join(", ", payloads.Select(Size))}");
Console.WriteLine($"webhook bodies: {string.Join(", ", bodies.Select(Size))}{(bodies.Count < alertCount ? " (some did not arrive within 2 min)" : "")}");
Console.WriteLine($"GET /alerts response {Size(alertsBody.Length)}");
if (bodies.Count < alertCount)
{
    using var after = JsonDocument.Parse(await http.GetStringAsync($"alerts?uid={uid}"));
    foreach (var alert in after.RootElement.GetProperty("items").EnumerateArray())
        Console.WriteLine($"  alert {alert.GetProperty("id")}: notify_error {alert.GetProperty("notify_error")}");
}
await app.StopAsync();
await receiver.StopAsync();
return 0;

string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
static string Mib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0 / 1024.0:F1} MiB");
static string Size(long bytes) => bytes >= 1024 * 1024 ? Mib(bytes) : string.Create(CultureInfo.InvariantCulture, $"{bytes:N0} B");
