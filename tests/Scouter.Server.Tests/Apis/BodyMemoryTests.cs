using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Scouter.Server.Tests.Fixtures;
using Xunit;

namespace Scouter.Server.Tests.Apis;

/// <summary>
/// A declared Content-Length costs no memory until its bytes arrive: authenticated requests that send only
/// their headers hold a few KiB each, and one declaring more than the limit is a 413 before any body byte.
/// Measured with the process's allocation counter, so the class runs alone.
/// </summary>
[Collection(nameof(BodyMemoryTests))]
public sealed class BodyMemoryTests
{
    private const int DefaultLimit = 16 * 1024 * 1024;

    [Fact]
    public async Task HeaderOnlyRequests_DeclaringTheLimit_HoldAFewKiBEach_NotTheDeclaredLength()
    {
        const int requests = 24;
        var ct = TestContext.Current.CancellationToken;
        await using var server = await TestServer.StartAsync();
        await WarmUpAsync(server, ct);

        var before = GC.GetTotalAllocatedBytes(precise: true);
        var held = new List<TcpClient>();
        try
        {
            for (var i = 0; i < requests; i++)
            {
                // Kestrel answers "100 Continue" when the endpoint starts reading the body: by then the buffer is rented.
                var client = await SendHeadersAsync(server, DefaultLimit, "Expect: 100-continue\r\n", ct);
                held.Add(client);
                Assert.StartsWith("HTTP/1.1 100 Continue", await ReadHeadAsync(client.GetStream(), ct), StringComparison.Ordinal);
            }
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

            // Before the fix each request rented its declared length: 24 × 32 MiB from the pool.
            Assert.True(allocated < requests * 256L * 1024,
                string.Create(CultureInfo.InvariantCulture, $"{requests} header-only requests allocated {allocated / 1024} KiB"));
        }
        finally
        {
            foreach (var client in held) client.Dispose();
        }
    }

    [Fact]
    public async Task DeclaredLengthOverTheLimit_IsA413WithItsCode_BeforeAnyBodyByte_WithoutRentingIt()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await TestServer.StartAsync();
        await WarmUpAsync(server, ct);

        var before = GC.GetTotalAllocatedBytes(precise: true);
        using var client = await SendHeadersAsync(server, 60L * 1024 * 1024, string.Empty, ct);
        var (head, body) = await ReadResponseAsync(client.GetStream(), ct);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.StartsWith("HTTP/1.1 413", head, StringComparison.Ordinal);
        using var problem = JsonDocument.Parse(body);
        Assert.Equal("payload_too_large", problem.RootElement.GetProperty("code").GetString());
        Assert.Equal("body", problem.RootElement.GetProperty("field").GetString());
        Assert.Contains(DefaultLimit.ToString(CultureInfo.InvariantCulture), problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        // Before the fix the 60 MiB were rented (a 64 MiB array) before the limit applied.
        Assert.True(allocated < 4 * 1024 * 1024, string.Create(CultureInfo.InvariantCulture, $"a header-only request allocated {allocated / 1024} KiB"));
    }

    /// <summary>One complete request first, so that first-use allocations (routes, auth) are not measured.</summary>
    private static async Task WarmUpAsync(TestServer server, CancellationToken ct)
    {
        using var response = await server.Admin.PostAsync("/api/v1/records", new StringContent("{}", Encoding.UTF8, "application/json"), ct);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
    }

    private static async Task<TcpClient> SendHeadersAsync(TestServer server, long contentLength, string extraHeaders, CancellationToken ct)
    {
        var url = new Uri(server.Url);
        var client = new TcpClient();
        await client.ConnectAsync(url.Host, url.Port, ct);
        var head = $"POST /api/v1/records HTTP/1.1\r\nHost: {url.Authority}\r\nAuthorization: Bearer {server.Admin.DefaultRequestHeaders.Authorization!.Parameter}\r\n" +
                   $"Content-Type: application/json\r\nContent-Length: {contentLength.ToString(CultureInfo.InvariantCulture)}\r\n{extraHeaders}\r\n";
        await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(head), ct);
        return client;
    }

    /// <summary>Reads up to the end of the response head (the empty line), with a 30 s bound.</summary>
    private static async Task<string> ReadHeadAsync(NetworkStream stream, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var head = new StringBuilder();
        while (await ReadLineAsync(stream, timeout.Token) is { Length: > 0 } line) head.Append(line).Append("\r\n");
        return head.ToString();
    }

    /// <summary>Reads a whole response (its body by Content-Length or chunked).</summary>
    private static async Task<(string Head, string Body)> ReadResponseAsync(NetworkStream stream, CancellationToken ct)
    {
        var head = await ReadHeadAsync(stream, ct);
        string? Header(string name) => head.Split("\r\n").Select(l => l.Split(':', 2))
            .Where(p => p.Length == 2 && p[0].Equals(name, StringComparison.OrdinalIgnoreCase)).Select(p => p[1].Trim()).FirstOrDefault();
        var body = new StringBuilder();
        if (Header("Content-Length") is { } length)
        {
            body.Append(Encoding.UTF8.GetString(await ReadBytesAsync(stream, int.Parse(length, CultureInfo.InvariantCulture), ct)));
        }
        else
        {
            // Chunked: "<hex size>\r\n<data>\r\n" until a chunk of size 0.
            while (int.Parse((await ReadLineAsync(stream, ct)).Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture) is var size and > 0)
            {
                body.Append(Encoding.UTF8.GetString(await ReadBytesAsync(stream, size, ct)));
                await ReadLineAsync(stream, ct);
            }
        }
        return (head, body.ToString());
    }

    private static async Task<byte[]> ReadBytesAsync(NetworkStream stream, int count, CancellationToken ct)
    {
        var bytes = new byte[count];
        await stream.ReadExactlyAsync(bytes, ct);
        return bytes;
    }

    private static async Task<string> ReadLineAsync(NetworkStream stream, CancellationToken ct)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (!line.ToString().EndsWith("\r\n", StringComparison.Ordinal) && await stream.ReadAsync(one, ct) == 1) line.Append((char)one[0]);
        return line.ToString().TrimEnd();
    }
}

/// <summary>Allocation measurements: run alone, so other tests' allocations do not count.</summary>
[CollectionDefinition(nameof(BodyMemoryTests), DisableParallelization = true)]
public sealed class BodyMemoryTestsCollection;
