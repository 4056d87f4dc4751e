// The client/server seam scenarios of the project's "Seams" work, against an embedded server:
//   1. 3 000 inserts into a PSI queue over HTTP, every 10th with "N/A" in the numeric feature x;
//   2. poison numbers posted as raw batches, then the profile's drift query and manual check.
// Prints what was stored and what each call answered. Usage:
//   dotnet run -c Release --project bench/seams [-- --database-uri postgresql://...]
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Scouter;
using Scouter.Client;
using Scouter.Data;
using Scouter.Server;

var databaseUri = args.SkipWhile(a => a != "--database-uri").Skip(1).FirstOrDefault();
var dataDir = Directory.CreateTempSubdirectory("scouter-seams-").FullName;
const string Password = "seams-admin-password";
await using var app = ScouterServer.Build([], o =>
{
    o.Port = 0;
    o.DataDir = dataDir;
    o.DatabaseUri = databaseUri;
    o.AdminPassword = Password;
}, _ => { });
await app.StartAsync();
var url = ScouterServer.Url(app);
Console.WriteLine($"server {url} on {(databaseUri is null ? "SQLite" : "PostgreSQL")}");
await using var admin = new ScouterClient(new ScouterClientOptions { ServerUri = url, Username = "admin", Password = Password });

// 1. Text in a numeric feature.
var n = 2_000;
var x = new double[n];
var y = new double[n];
var c = new string?[n];
for (var i = 0; i < n; i++)
{
    x[i] = (i * 37) % 100;
    y[i] = (i * 53) % 17;
    c[i] = (i % 3) switch { 0 => "a", 1 => "b", _ => "c" };
}
var table = new ColumnTable.Builder().AddNumeric("x", x).AddNumeric("y", y).AddCategorical("c", c).Build();
var psi = await admin.RegisterProfileAsync(Drifter.CreatePsiProfile(table, new PsiDriftConfig { Space = "seams", Name = "text-in-numeric", Version = "1.0.0" }), setActive: true);
var queue = ScouterQueue.FromProfiles(new Dictionary<string, DriftProfile> { ["psi"] = psi },
    new HttpTransport(new ScouterClientOptions { ServerUri = url, Username = "admin", Password = Password }));
for (var i = 0; i < 3_000; i++)
{
    queue["psi"].Insert(new Features(new Dictionary<string, object?>
    {
        ["x"] = i % 10 == 9 ? "N/A" : (object)((i * 7) % 100 + 0.5),
        ["y"] = (double)(i % 17),
        ["c"] = (i % 3) switch { 0 => "a", 1 => "b", _ => "c" },
    }));
}
await queue.ShutdownAsync(TimeSpan.FromSeconds(30));
var stats = queue.Statistics;
Console.WriteLine($"text-in-numeric: inserted {stats.Inserted}, records sent {stats.RecordsSent}");
Console.WriteLine("  dropped: " + string.Join(", ", stats.Dropped.Where(d => d.Value.Items > 0).Select(d => $"{d.Key}={d.Value.Batches}/{d.Value.Items}")));
Console.WriteLine("  errors: " + string.Join(", ", stats.Errors.Where(e => e.Value > 0).Select(e => $"{e.Key}={e.Value}")));
var now = TimeProvider.System.GetUtcNow();
var drift = await admin.GetPsiDriftAsync(psi.Config.Uid, now.AddHours(-1), now.AddMinutes(5), 1);
foreach (var (feature, series) in drift.Features.OrderBy(f => f.Key, StringComparer.Ordinal))
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  stored {feature}: N={series.N} missing={Math.Round(series.ObservedProportions.GetValueOrDefault("0") * series.N)} psi={series.Psi:F4} alert={series.Alert}"));
}

// 2. Poison numbers.
using var http = new HttpClient { BaseAddress = new Uri(url + "/api/v1/") };
var token = await (await http.PostAsJsonAsync("auth/token", new { username = "admin", password = Password })).Content.ReadFromJsonAsync<JsonElement>();
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("access_token").GetString());
var cases = new (string Name, string Type, Func<Guid, string> Records)[]
{
    ("custom count 2^63-1", "custom", uid => Custom(uid, "1", long.MaxValue.ToString(CultureInfo.InvariantCulture))),
    ("two custom counts of 2^62", "custom", uid => Custom(uid, "1", "4611686018427387904") + "," + Custom(uid, "1", "4611686018427387904")),
    ("PSI bin count 2^63-1", "psi", uid => $$"""{"type":"psi","uid":"{{uid}}","created_at":"{{Now()}}","feature":"x","bin_counts":{"1":{{long.MaxValue}} """ + "}}"),
    ("two custom sums of 1e308", "custom", uid => Custom(uid, "1e308", "1") + "," + Custom(uid, "1e308", "1")),
};
foreach (var (name, type, records) in cases)
{
    Guid uid;
    if (type == "psi")
    {
        uid = (await admin.RegisterProfileAsync(Drifter.CreatePsiProfile(table, new PsiDriftConfig { Space = "seams", Name = "poison-" + name.Replace(' ', '-'), Version = "1.0.0" }), setActive: true)).Config.Uid;
    }
    else
    {
        uid = (await admin.RegisterProfileAsync(new CustomDriftProfile(new CustomMetricDriftConfig { Space = "seams", Name = "poison-" + name.Replace(' ', '-'), Version = "1.0.0" },
            [new CustomMetric("m", 1.0, AlertThreshold.Above, 0.5)]), setActive: true)).Config.Uid;
    }
    var body = $$"""{"batch_id":"{{Guid.CreateVersion7()}}","sent_at":"{{Now()}}","records":[{{records(uid)}}]}""";
    using var post = await http.PostAsync("records", new StringContent(body, Encoding.UTF8, "application/json"));
    var answer = await post.Content.ReadAsStringAsync();
    using var query = await http.GetAsync($"drift/{type}?uid={uid}&from={Uri.EscapeDataString(TimeProvider.System.GetUtcNow().AddHours(-1).ToString("O"))}&to={Uri.EscapeDataString(TimeProvider.System.GetUtcNow().AddMinutes(5).ToString("O"))}");
    using var check = await http.PostAsync($"profiles/{uid}/run", null);
    Console.WriteLine($"poison {name}: POST /records {(int)post.StatusCode} {Short(answer)}; GET /drift/{type} {(int)query.StatusCode}; POST /profiles/{{uid}}/run {(int)check.StatusCode}");
}
await app.StopAsync();
return 0;

static string Now() => TimeProvider.System.GetUtcNow().AddSeconds(-1).ToString("O", CultureInfo.InvariantCulture);
static string Custom(Guid uid, string sum, string count) => $$"""{"type":"custom","uid":"{{uid}}","created_at":"{{Now()}}","metric":"m","sum":{{sum}},"count":{{count}}}""";
static string Short(string text) => text.Length > 160 ? text[..160] + "…" : text;
