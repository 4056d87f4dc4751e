using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Scouter.Client.Tests.Queue;
using Xunit;

namespace Scouter.Client.Tests.Api;

/// <summary>A queue over <see cref="HttpTransport"/>: which server answers are retried, and how refusals are counted and logged.</summary>
public sealed class HttpTransportQueueTests
{
    private static async Task<(ScouterQueueStatistics Stats, LogCapture Logs, int Requests)> SendOneBatchAsync(Func<HttpContext, Task> respond)
    {
        var requests = 0;
        await using var stub = await StubServer.StartAsync(ctx =>
        {
            Interlocked.Increment(ref requests);
            return respond(ctx);
        });
        var logs = new LogCapture();
        var queue = ScouterQueue.FromProfiles(new Dictionary<string, DriftProfile> { ["psi"] = QueueTestKit.PsiProfile() },
            new HttpTransport(new ScouterClientOptions { ServerUri = stub.Url, ApiKey = "sk_scouter_test" }),
            new ScouterQueueOptions { LoggerFactory = logs, InitialBackoff = TimeSpan.FromMilliseconds(1), MaxBackoff = TimeSpan.FromMilliseconds(2) });
        await using (queue)
        {
            queue["psi"].Insert(new Features([new Feature("x", 1.0), new Feature("c", "a")]));
            await queue.FlushAsync(TestContext.Current.CancellationToken);
            return (queue.Statistics, logs, Volatile.Read(ref requests));
        }
    }

    [Theory]
    [InlineData(401, "unauthorized")]
    [InlineData(403, "forbidden")]
    [InlineData(413, "payload_too_large")]
    [InlineData(422, "invalid_record_batch")]
    public async Task PermanentFailure_IsNotRetried_CountsTheRecordsByTheServerCode_AndLogsTheReasonAtError(int status, string code)
    {
        var (stats, logs, requests) = await SendOneBatchAsync(ctx => Results.Problem(statusCode: status, detail: "the reason",
            extensions: new Dictionary<string, object?> { ["code"] = code }).ExecuteAsync(ctx));

        Assert.Equal(1, requests);
        Assert.Equal(0, stats.Retries);
        Assert.Equal(new Dictionary<string, long> { [code] = 2 }, stats.RejectedRecords);
        var line = Assert.Single(logs.WithEventId(1011));
        Assert.Equal(LogLevel.Error, line.Level);
        Assert.Contains("the reason", line.Message, StringComparison.Ordinal);
        Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PermanentFailureWithoutProblemCode_IsCountedUnderTheStatus()
    {
        var (stats, _, _) = await SendOneBatchAsync(ctx =>
        {
            ctx.Response.StatusCode = 401;
            return Task.CompletedTask;
        });
        Assert.Equal(new Dictionary<string, long> { ["http_401"] = 2 }, stats.RejectedRecords);
    }

    [Fact]
    public async Task TransientFailure_IsRetried_ThenDelivered()
    {
        var calls = 0;
        var (stats, logs, requests) = await SendOneBatchAsync(ctx => Interlocked.Increment(ref calls) == 1
            ? Results.Problem(statusCode: 503, detail: "restarting").ExecuteAsync(ctx)
            : Results.Json(new { batch_id = Guid.CreateVersion7(), records = 2, stored = 2, duplicate = false, rejected = Array.Empty<object>() }, statusCode: 202).ExecuteAsync(ctx));

        Assert.Equal(2, requests);
        Assert.Equal((1L, 1L, 2L), (stats.Retries, stats.BatchesSent, stats.RecordsSent));
        Assert.Empty(stats.RejectedRecords);
        Assert.Single(logs.WithEventId(1014));
        Assert.Single(logs.WithEventId(1015));
    }

    [Fact]
    public async Task RecordsTheServerRefusesIn202_AreCountedByCode_UnknownProfileNamesTheFix()
    {
        var (stats, logs, _) = await SendOneBatchAsync(ctx => Results.Json(new
        {
            batch_id = Guid.CreateVersion7(),
            records = 2,
            stored = 0,
            duplicate = false,
            rejected = new[]
            {
                new { index = 0, code = "unknown_profile", field = "records[0].uid", detail = "No profile." },
                new { index = 1, code = "unknown_profile", field = "records[1].uid", detail = "No profile." },
            },
        }, statusCode: 202).ExecuteAsync(ctx));

        Assert.Equal(new Dictionary<string, long> { ["unknown_profile"] = 2 }, stats.RejectedRecords);
        Assert.Equal((1L, 0L), (stats.BatchesSent, stats.RecordsSent));
        var line = Assert.Single(logs.WithEventId(1004));
        Assert.Equal("psi", line["Alias"]);
        Assert.Contains("RegisterProfileAsync", line.Message, StringComparison.Ordinal);
    }
}
