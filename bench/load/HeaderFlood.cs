using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Scouter.Load;

/// <summary>
/// <c>--scenario header-flood</c>: N authenticated <c>POST /api/v1/records</c> requests send their headers
/// with a large declared Content-Length and then hold (trickling a little whitespace each second, so
/// Kestrel's minimum data rate does not end them), while S senders post legitimate batches for T seconds.
/// Reports the legitimate batches stored and failed, what became of the held requests, and the server's
/// resident memory growth. What it shows: whether a declared length alone makes the server allocate.
/// </summary>
internal static class HeaderFlood
{
    private const int TrickleBytes = 1024;

    public static async Task<int> RunAsync(LoadSettings settings)
    {
        await using var server = settings.Url is null ? await ServerProcess.StartAsync(settings, new Dictionary<string, string>()) : null;
        var baseUrl = new Uri(settings.Url ?? server!.Url);
        using var http = HttpLoad.CreateClient(baseUrl.ToString(), settings.Senders);
        var setup = await Setup.RunAsync(http, settings);
        http.DefaultRequestHeaders.Add("X-Scouter-Api-Key", setup.ApiKey);
        var declared = (long)settings.DeclaredMib * 1024 * 1024;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"load: header-flood, {settings.Held} held requests declaring {settings.DeclaredMib} MiB, {settings.Senders} senders × {settings.Seconds} s, server {baseUrl} (heap limit {(settings.HeapLimitMib > 0 ? settings.HeapLimitMib + " MiB" : "none")})"));

        var baseline = server?.Memory() ?? default;
        var peak = baseline;
        var deadline = TimeSpan.FromSeconds(settings.Seconds);
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource(deadline);

        var heldStatus = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var held = Enumerable.Range(0, settings.Held).Select(_ => HoldAsync(baseUrl, setup.ApiKey, declared, stop.Token)).ToArray();

        long stored = 0, throttled = 0;
        var failed = new ConcurrentDictionary<int, int>();
        var senders = Enumerable.Range(0, settings.Senders).Select(sender => Task.Run(async () =>
        {
            var random = new Random(sender);
            while (clock.Elapsed < deadline)
            {
                using var content = new ByteArrayContent(setup.NextBatch(random).ToUtf8Json());
                content.Headers.ContentType = new("application/json");
                int status;
                try
                {
                    using var response = await http.PostAsync("/api/v1/records", content);
                    status = (int)response.StatusCode;
                }
                catch (HttpRequestException)
                {
                    status = 0;
                }
                if (status == (int)HttpStatusCode.Accepted) Interlocked.Increment(ref stored);
                else if (status == (int)HttpStatusCode.TooManyRequests) Interlocked.Increment(ref throttled);
                else failed.AddOrUpdate(status, 1, (_, n) => n + 1);
            }
        })).ToArray();

        var all = Task.WhenAll(senders.Concat(held.Select(h => (Task)h)));
        while (!all.IsCompleted)
        {
            if (server?.Memory() is { } now) peak = (Math.Max(peak.Resident, now.Resident), Math.Max(peak.Committed, now.Committed));
            await Task.WhenAny(all, Task.Delay(100));
        }
        foreach (var outcome in await Task.WhenAll(held)) heldStatus.AddOrUpdate(outcome, 1, (_, n) => n + 1);

        static string Counts<T>(IEnumerable<KeyValuePair<T, int>> counts) where T : notnull =>
            string.Join(", ", counts.OrderBy(c => c.Key.ToString(), StringComparer.Ordinal).Select(c => $"{c.Key}×{c.Value}"));
        var failedCount = failed.Values.Sum();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"load: legitimate batches stored {stored:N0}, failed {failedCount}{(failedCount > 0 ? $" ({Counts(failed)})" : string.Empty)}, 429s {throttled}"));
        Console.WriteLine($"load: held requests: {Counts(heldStatus)}");
        if (server is not null)
        {
            static string MiB(long bytes) => (bytes / 1048576.0).ToString("F0", CultureInfo.InvariantCulture);
            Console.WriteLine($"load: server memory growth: committed {MiB(peak.Committed - baseline.Committed)} MiB (peak {MiB(peak.Committed)}), " +
                              $"resident {MiB(peak.Resident - baseline.Resident)} MiB (peak {MiB(peak.Resident)})");
            if (server.ExitCode is { } code) Console.WriteLine($"load: the server process exited during the run (exit code {code})");
        }
        return failedCount == 0 && server?.ExitCode is null ? 0 : 1;
    }

    /// <summary>
    /// One held request: headers only, then a little whitespace each second until the run ends. Returns the
    /// status the server answered with (e.g. <c>413</c>), <c>held</c> when it never answered, or <c>closed</c>
    /// when it dropped the connection without an answer.
    /// </summary>
    private static async Task<string> HoldAsync(Uri baseUrl, string apiKey, long declared, CancellationToken stop)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(baseUrl.Host, baseUrl.Port, CancellationToken.None);
        var stream = client.GetStream();
        var head = $"POST /api/v1/records HTTP/1.1\r\nHost: {baseUrl.Authority}\r\nX-Scouter-Api-Key: {apiKey}\r\n" +
                   $"Content-Type: application/json\r\nContent-Length: {declared.ToString(CultureInfo.InvariantCulture)}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), CancellationToken.None);
        var answer = ReadStatusAsync(stream);
        var trickle = Encoding.ASCII.GetBytes(new string(' ', TrickleBytes));
        try
        {
            while (!answer.IsCompleted)
            {
                await Task.WhenAny(answer, Task.Delay(TimeSpan.FromSeconds(1), stop));
                if (stop.IsCancellationRequested) return answer.IsCompleted ? await answer : "held";
                if (!answer.IsCompleted) await stream.WriteAsync(trickle, CancellationToken.None);
            }
        }
        catch (IOException)
        {
            // The server closed the connection; its answer, if any, is read below.
        }
        return await answer;
    }

    private static async Task<string> ReadStatusAsync(NetworkStream stream)
    {
        var buffer = new byte[64];
        var length = 0;
        try
        {
            while (length < buffer.Length)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(length));
                if (read == 0) break;
                length += read;
                if (length >= 12) break;
            }
        }
        catch (IOException)
        {
        }
        // "HTTP/1.1 413 Payload Too Large"
        var line = Encoding.ASCII.GetString(buffer, 0, length);
        return line.Length >= 12 && line.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) ? line[9..12] : "closed";
    }
}
