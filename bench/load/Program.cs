using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scouter;
using Scouter.Data;
using Scouter.Records;
using Scouter.Serialization;

// End-to-end ingestion load: N concurrent senders POST PSI record batches to /api/v1/records for a
// fixed time; reports stored records/s (202 answers, which the server sends after commit) and
// request latency percentiles. Starts its own server process unless --url is given.
//
//   dotnet run -c Release --project bench/load -- [--database-uri postgresql://...] [--senders 32]
//       [--seconds 30] [--records 200] [--features 20] [--url http://127.0.0.1:8000 --password P]
var settings = LoadSettings.Parse(args);
await using var server = settings.Url is null ? await ServerProcess.StartAsync(settings) : null;
var baseUrl = settings.Url ?? server!.Url;
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = settings.Senders * 2, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
{
    BaseAddress = new Uri(baseUrl),
    Timeout = TimeSpan.FromSeconds(60),
};

var setup = await Setup.RunAsync(http, settings);
http.DefaultRequestHeaders.Add("X-Scouter-Api-Key", setup.ApiKey);
Console.WriteLine($"load: {settings.Senders} senders × {settings.Seconds} s, {settings.RecordsPerBatch} PSI records per batch, {settings.Features} features, server {baseUrl} ({(settings.DatabaseUri is null ? "sqlite" : "postgres")})");

var latencies = new List<double>[settings.Senders];
long stored = 0, batches = 0, throttled = 0, failures = 0;
var stop = Stopwatch.StartNew();
var deadline = TimeSpan.FromSeconds(settings.Seconds);
await Task.WhenAll(Enumerable.Range(0, settings.Senders).Select(sender => Task.Run(async () =>
{
    var mine = latencies[sender] = new List<double>(4096);
    var random = new Random(sender);
    while (stop.Elapsed < deadline)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(setup.NextBatch(random), ScouterJsonContext.Default.RecordBatch);
        var started = Stopwatch.GetTimestamp();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");
        using var response = await http.PostAsync("/api/v1/records", content);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (response.StatusCode == HttpStatusCode.Accepted)
        {
            mine.Add(elapsed);
            Interlocked.Add(ref stored, settings.RecordsPerBatch);
            Interlocked.Increment(ref batches);
        }
        else if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            Interlocked.Increment(ref throttled);
            await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromMilliseconds(100));
        }
        else
        {
            if (Interlocked.Increment(ref failures) <= 3) Console.Error.WriteLine($"load: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }
})));
var seconds = stop.Elapsed.TotalSeconds;

var all = latencies.SelectMany(l => l).Order().ToArray();
double Percentile(double p) => all.Length == 0 ? double.NaN : all[Math.Min(all.Length - 1, (int)(p * all.Length))];
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"load: stored {stored:N0} records in {batches:N0} batches over {seconds:F1} s = {stored / seconds:N0} records/s; POST /records latency p50 {Percentile(0.50):F1} ms, p99 {Percentile(0.99):F1} ms; 429s {throttled}, failures {failures}"));
return failures == 0 ? 0 : 1;

internal sealed record LoadSettings(string? Url, string? DatabaseUri, string Password, int Senders, int Seconds, int RecordsPerBatch, int Features)
{
    public static LoadSettings Parse(string[] args)
    {
        string? Get(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        int Int(string name, int fallback) => Get(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        return new LoadSettings(Get("--url"), Get("--database-uri"), Get("--password") ?? "load-test-admin-password", Int("--senders", 32), Int("--seconds", 30), Int("--records", 200), Int("--features", 20));
    }
}

/// <summary>Registers a PSI profile and mints an API key, then builds realistic batches for it.</summary>
internal sealed class Setup
{
    private readonly Guid _uid;
    private readonly string[] _features;
    private readonly int _bins;
    private readonly int _recordsPerBatch;

    private Setup(Guid uid, string[] features, int bins, string apiKey, int recordsPerBatch)
    {
        _uid = uid;
        _features = features;
        _bins = bins;
        ApiKey = apiKey;
        _recordsPerBatch = recordsPerBatch;
    }

    public string ApiKey { get; }

    public static async Task<Setup> RunAsync(HttpClient http, LoadSettings settings)
    {
        var login = await Expect(await http.PostAsJsonAsync("/api/v1/auth/token", new { username = "admin", password = settings.Password }));
        http.DefaultRequestHeaders.Authorization = new("Bearer", (string)login["access_token"]!);

        var random = new Random(1);
        var builder = new ColumnTable.Builder();
        for (var f = 0; f < settings.Features; f++) builder.AddNumeric($"f{f}", [.. Enumerable.Range(0, 5000).Select(_ => random.NextDouble())]);
        var profile = Drifter.CreatePsiProfile(builder.Build(), new PsiDriftConfig { Space = "load", Name = "load", Version = "1.0.0" });
        var body = new JsonObject
        {
            ["profile"] = JsonNode.Parse(profile.ToJson()),
            ["set_active"] = true,
            ["bump"] = true,
        };
        var registered = await Expect(await http.PostAsync("/api/v1/profiles", new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json")));
        var key = await Expect(await http.PostAsJsonAsync("/api/v1/api-keys", new { name = "load", spaces = new Dictionary<string, string> { ["load"] = "write" } }));
        http.DefaultRequestHeaders.Authorization = null;
        return new Setup(Guid.Parse((string)registered["uid"]!), [.. profile.Features.Keys], profile.Features.Values.First().BinCount, (string)key["key"]!, settings.RecordsPerBatch);
    }

    public RecordBatch NextBatch(Random random)
    {
        var now = TimeProvider.System.GetUtcNow();
        var records = new DriftRecord[_recordsPerBatch];
        for (var i = 0; i < records.Length; i++)
        {
            var counts = new Dictionary<int, long>(_bins + 1) { [0] = random.Next(0, 3) };
            for (var b = 1; b <= _bins; b++) counts[b] = random.Next(80, 120);
            records[i] = new PsiRecord { Uid = _uid, CreatedAt = now, Feature = _features[i % _features.Length], BinCounts = counts };
        }
        return new RecordBatch { BatchId = Guid.CreateVersion7(), SentAt = now, Records = records };
    }

    private static async Task<JsonNode> Expect(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }
}

/// <summary>The server as a separate process (Release build of src/Scouter.Server), on a free port.</summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dataDir;

    private ServerProcess(Process process, string url, string dataDir)
    {
        _process = process;
        Url = url;
        _dataDir = dataDir;
    }

    public string Url { get; }

    public static async Task<ServerProcess> StartAsync(LoadSettings settings)
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Scouter.slnx"))) root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("repository root not found");
        var dll = Path.Combine(root, "src", "Scouter.Server", "bin", "Release", "net10.0", "Scouter.Server.dll");
        if (!File.Exists(dll)) throw new InvalidOperationException($"build the server first: dotnet build -c Release src/Scouter.Server ({dll} missing)");
        var port = FreePort();
        var dataDir = Directory.CreateTempSubdirectory("scouter-load-").FullName;
        var start = new ProcessStartInfo("dotnet", [dll]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["SCOUTER_PORT"] = port.ToString(CultureInfo.InvariantCulture);
        start.Environment["SCOUTER_DATA_DIR"] = dataDir;
        start.Environment["SCOUTER_ADMIN_PASSWORD"] = settings.Password;
        start.Environment["SCOUTER_JWT_SECRET"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48));
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        if (settings.DatabaseUri is not null) start.Environment["SCOUTER_DATABASE_URI"] = settings.DatabaseUri;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("server: " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var url = $"http://127.0.0.1:{port}";
        using var probe = new HttpClient();
        for (var i = 0; i < 100; i++)
        {
            try
            {
                if ((await probe.GetAsync(url + "/readyz")).IsSuccessStatusCode) return new ServerProcess(process, url, dataDir);
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(200);
        }
        process.Kill(entireProcessTree: true);
        throw new InvalidOperationException("the server did not become ready in 20 s");
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { }
    }
}
