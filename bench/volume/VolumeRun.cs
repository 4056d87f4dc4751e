using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scouter.Client;
using Scouter.Data;
using Scouter.Server;
using Scouter.Server.Storage;

namespace Scouter.VolumeBench;

/// <summary>One replica count: a fresh server, the two profiles, seeding, then the timed reads.</summary>
internal static class VolumeRun
{
    private const string Password = "volume-bench-admin-password";

    /// <summary>The most buckets the servers before the hourly roll-ups took.</summary>
    private const int OldMaxBuckets = 500;

    public static async Task<VolumeResult> RunAsync(VolumeSettings settings, int replicas, BenchDatabase database)
    {
        await using var app = ScouterServer.Build([], o =>
        {
            o.Port = 0;
            o.DataDir = database.DataDir;
            o.DatabaseUri = database.Uri;
            o.AdminPassword = Password;
            o.RetentionDays = Math.Max(o.RetentionDays, settings.Days + 7);
        }, s => s.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning).AddFilter("Scouter.Server.Alerts.AlertChannels", LogLevel.Error)));
        await app.StartAsync();
        var url = ScouterServer.Url(app);
        var store = app.Services.GetRequiredService<ScouterDatabase>();
        await using var admin = new ScouterClient(new ScouterClientOptions { ServerUri = url, Username = "admin", Password = Password, Timeout = TimeSpan.FromMinutes(10) });
        using var http = new HttpClient { BaseAddress = new Uri(url + "/api/v1/"), Timeout = TimeSpan.FromMinutes(10) };
        var token = await (await http.PostAsJsonAsync("auth/token", new { username = "admin", password = Password })).Content.ReadFromJsonAsync<JsonElement>();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("access_token").GetString());

        var (psi, custom) = await RegisterAsync(admin, settings, string.Create(CultureInfo.InvariantCulture, $"volume-r{replicas}"));
        // A whole-hour window: from on an hour boundary, to = from + N days; the records sit inside it.
        var now = TimeProvider.System.GetUtcNow();
        var to = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero);
        var from = to.AddDays(-settings.Days);

        // Warm-up (not timed): one replica's records for profiles of their own, so the timed ingest starts on a warm
        // process with every daily partition of the window already made (the server makes one the first time a day is written).
        var (warmPsi, warmCustom) = await RegisterAsync(admin, settings, $"volume-r{replicas}-warm-up");
        await IngestAsync(http, Seed.Build(settings.Days, settings.Metrics, 1, warmPsi, warmCustom.Config.Uid, from), settings.Parallel);
        await WaitForRollupsAsync(store, "warm-up");
        var (psiBefore, customBefore) = await BenchDatabase.CountRowsAsync(store);

        var prepare = Stopwatch.StartNew();
        var seed = Seed.Build(settings.Days, settings.Metrics, replicas, psi, custom.Config.Uid, from);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"prepared {seed.Records:N0} records ({seed.PsiRecords:N0} PSI, {seed.CustomRecords:N0} custom) in {seed.Batches.Count:N0} batches, {seed.Bytes / 1024.0 / 1024.0:F0} MiB of JSON, in {prepare.Elapsed.TotalSeconds:F1} s (not timed)"));

        var ingest = await IngestAsync(http, seed, settings.Parallel);
        var (psiRows, customRows) = await BenchDatabase.CountRowsAsync(store);
        (psiRows, customRows) = (psiRows - psiBefore, customRows - customBefore);
        var rows = psiRows + customRows;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ingest: {ingest.TotalSeconds:F1} s wall, {seed.Records / ingest.TotalSeconds:N0} records/s, {rows / ingest.TotalSeconds:N0} rows/s ({psiRows:N0} psi_counts + {customRows:N0} custom_values rows), {seed.Bytes / 1024.0 / 1024.0 / ingest.TotalSeconds:F1} MiB/s"));
        // The serialized batches (over 100 MiB at R = 16) must not weigh on the timed reads' garbage collections.
        seed.Batches.Clear();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        await WaitForRollupsAsync(store, "seeded");

        var psiQuery = $"drift/psi?uid={psi.Config.Uid}&from={Escape(from)}&to={Escape(to)}{(settings.Align ? "&align=true" : "")}&buckets=";
        var buckets = await BucketsAcceptedAsync(http, psiQuery, settings.Buckets);
        var psiTiming = await TimeAsync(settings.Repeat, () => GetAsync(http, psiQuery + buckets.ToString(CultureInfo.InvariantCulture)));
        var psiAnswer = await GetAsync(http, psiQuery + buckets.ToString(CultureInfo.InvariantCulture));
        var f0 = psiAnswer.Json.RootElement.GetProperty("features").GetProperty("f0");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"GET /drift/psi   {buckets} buckets: {psiTiming}; answer {psiAnswer.Bytes / 1024.0:F0} KiB, {psiAnswer.Json.RootElement.GetProperty("features").EnumerateObject().Count()} features, f0 n = {f0.GetProperty("n").GetInt64():N0} (seeded {seed.F0Count:N0}), window ({psiAnswer.Window})"));
        psiAnswer.Json.Dispose();
        // The same rows read for one bucket: what the per-bucket answer adds to the read.
        var oneBucket = await TimeAsync(settings.Repeat, () => GetAsync(http, psiQuery + "1"));
        Console.WriteLine($"GET /drift/psi     1 bucket:  {oneBucket} (same window, for comparison)");

        var customQuery = $"drift/custom?uid={custom.Config.Uid}&from={Escape(from)}&to={Escape(to)}{(settings.Align ? "&align=true" : "")}&buckets={buckets}";
        var customTiming = await TimeAsync(settings.Repeat, () => GetAsync(http, customQuery));
        var customAnswer = await GetAsync(http, customQuery);
        var m0 = customAnswer.Json.RootElement.GetProperty("metrics").GetProperty("m0");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"GET /drift/custom {buckets} buckets: {customTiming}; answer {customAnswer.Bytes / 1024.0:F0} KiB, m0 count = {m0.GetProperty("count").GetInt64():N0} (seeded {seed.M0Count:N0})"));
        customAnswer.Json.Dispose();

        // A manual check reads the first check's window (no check has moved last_checked_slot), so every run starts from the same state.
        var checkTiming = await TimeAsync(settings.Repeat, async () => (await admin.RunDriftCheckAsync(psi.Config.Uid)).GetProperty("check_run_id"));
        using var checks = JsonDocument.Parse(await http.GetStringAsync($"profiles/{psi.Config.Uid}/checks?page_size=1"));
        var last = checks.RootElement[0];
        var windowStart = last.GetProperty("window_start").GetDateTimeOffset();
        var windowEnd = last.GetProperty("window_end").GetDateTimeOffset();
        var covered = windowStart <= from ? "covers every seeded hour" : string.Create(CultureInfo.InvariantCulture, $"covers the last {(windowEnd - Max(windowStart, from)).TotalHours:F0} of {settings.Days * 24} seeded hours");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"first check (POST /profiles/{{uid}}/run, schedule '{settings.Schedule}'): {checkTiming}; window ({windowStart:u}, {windowEnd:u}] {covered}"));

        await app.StopAsync();
        return new VolumeResult(replicas, seed.Records, rows, ingest, buckets, psiTiming, customTiming, checkTiming);
    }

    private static async Task<(PsiDriftProfile Psi, CustomDriftProfile Custom)> RegisterAsync(ScouterClient admin, VolumeSettings settings, string name)
    {
        var random = new Random(7);
        var table = new ColumnTable.Builder();
        for (var f = 0; f < settings.Features; f++) table.AddNumeric($"f{f}", [.. Enumerable.Range(0, 2_000).Select(_ => random.NextDouble())]);
        var psi = await admin.RegisterProfileAsync(Drifter.CreatePsiProfile(table.Build(), new PsiDriftConfig
        {
            Space = "bench", Name = name, Version = "1.0.0", AlertConfig = new PsiAlertConfig { Schedule = settings.Schedule },
        }), setActive: true);
        var custom = await admin.RegisterProfileAsync(new CustomDriftProfile(new CustomMetricDriftConfig
        {
            Space = "bench", Name = name, Version = "1.0.0", AlertConfig = new CustomMetricAlertConfig { Schedule = settings.Schedule },
        }, [.. Enumerable.Range(0, settings.Metrics).Select(m => new CustomMetric($"m{m}", 1.0, AlertThreshold.Above, 0.5))]), setActive: true);
        return (psi, custom);
    }

    private static async Task<TimeSpan> IngestAsync(HttpClient http, Seed seed, int parallel)
    {
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(seed.Batches, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (batch, ct) =>
        {
            while (true)
            {
                using var content = new ByteArrayContent(batch.Body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await http.PostAsync("records", content, ct);
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1), ct);
                    continue;
                }
                var body = await response.Content.ReadAsStringAsync(ct);
                if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST /records answered {(int)response.StatusCode}: {body}");
                using var receipt = JsonDocument.Parse(body);
                var stored = receipt.RootElement.GetProperty("stored").GetInt32();
                if (stored != batch.Records) throw new InvalidOperationException($"POST /records stored {stored} of {batch.Records} records: {body}");
                return;
            }
        });
        return watch.Elapsed;
    }

    /// <summary>Waits until the hourly roll-ups have folded every seeded row, so the reads see the steady state.</summary>
    private static async Task WaitForRollupsAsync(ScouterDatabase store, string rows)
    {
        var watch = Stopwatch.StartNew();
        while (await BenchDatabase.PendingRollupRowsAsync(store) is { } pending)
        {
            if (pending == 0)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"roll-ups: every {rows} row folded {watch.Elapsed.TotalSeconds:F1} s after the last batch"));
                return;
            }
            if (watch.Elapsed > TimeSpan.FromMinutes(15))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"roll-ups: {pending:N0} {rows} rows still unfolded after 15 min; going on"));
                return;
            }
            await Task.Delay(250);
        }
        Console.WriteLine($"roll-ups: none in this schema ({rows} rows are read raw)");
    }

    /// <summary>The bucket count the server takes: the one asked for, or (refused above the old limit) the old limit.</summary>
    private static async Task<int> BucketsAcceptedAsync(HttpClient http, string query, int buckets)
    {
        using var response = await http.GetAsync(query + buckets.ToString(CultureInfo.InvariantCulture));
        if (response.IsSuccessStatusCode) return buckets;
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.BadRequest || buckets <= OldMaxBuckets)
            throw new InvalidOperationException($"GET /drift/psi answered {(int)response.StatusCode}: {body}");
        Console.WriteLine($"GET /drift/psi with {buckets} buckets refused ({(int)response.StatusCode}: {body}); timing {OldMaxBuckets} buckets instead");
        return OldMaxBuckets;
    }

    private static async Task<Timing> TimeAsync<T>(int repeat, Func<Task<T>> call)
    {
        var cold = Stopwatch.StartNew();
        DisposeResult(await call());
        var coldMs = cold.Elapsed.TotalMilliseconds;
        var runs = new double[repeat];
        for (var i = 0; i < repeat; i++)
        {
            var watch = Stopwatch.StartNew();
            DisposeResult(await call());
            runs[i] = watch.Elapsed.TotalMilliseconds;
        }
        Array.Sort(runs);
        var median = repeat % 2 == 1 ? runs[repeat / 2] : (runs[(repeat / 2) - 1] + runs[repeat / 2]) / 2;
        return new Timing(coldMs, median, runs[0]);
    }

    private static void DisposeResult<T>(T result)
    {
        if (result is Answer answer) answer.Json.Dispose();
    }

    private static async Task<Answer> GetAsync(HttpClient http, string query)
    {
        using var response = await http.GetAsync(query);
        var body = await response.Content.ReadAsByteArrayAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"GET {query} answered {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(body)}");
        var json = JsonDocument.Parse(body);
        var window = $"{json.RootElement.GetProperty("from").GetDateTimeOffset():u}, {json.RootElement.GetProperty("to").GetDateTimeOffset():u}]";
        return new Answer(json, body.Length, window);
    }

    private static string Escape(DateTimeOffset time) => Uri.EscapeDataString(time.ToString("O", CultureInfo.InvariantCulture));

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private sealed record Answer(JsonDocument Json, int Bytes, string Window);
}
