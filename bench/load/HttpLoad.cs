using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Scouter.Load;

/// <summary>N senders POST batches to <c>/api/v1/records</c>; each 202 is a stored batch.</summary>
internal static class HttpLoad
{
    public static async Task<int> RunAsync(LoadSettings settings)
    {
        await using var server = settings.Url is null ? await ServerProcess.StartAsync(settings, new Dictionary<string, string>()) : null;
        var baseUrl = settings.Url ?? server!.Url;
        using var http = CreateClient(baseUrl, settings.Senders);

        var setup = await Setup.RunAsync(http, settings);
        http.DefaultRequestHeaders.Add("X-Scouter-Api-Key", setup.ApiKey);
        Console.WriteLine($"load: http, {settings.Senders} senders × {settings.Seconds} s, {settings.RecordsPerBatch} PSI records per batch, {settings.Features} features, server {baseUrl} ({(settings.DatabaseUri is null ? "sqlite" : "postgres")})");

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
                var body = setup.NextBatch(random).ToUtf8Json();
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
    }

    public static HttpClient CreateClient(string baseUrl, int senders) =>
        new(new SocketsHttpHandler { MaxConnectionsPerServer = senders * 2, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = new Uri(baseUrl),
            Timeout = TimeSpan.FromSeconds(60),
        };
}
