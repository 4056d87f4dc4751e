using Microsoft.AspNetCore.Http;
using Scouter.Client.Transports;
using Scouter.Records;
using Xunit;

namespace Scouter.Client.Tests.Api;

public sealed class HttpTransportTests
{
    private static RecordBatch AnyBatch() =>
        TestData.Batch(new CustomRecord { Uid = Guid.CreateVersion7(), CreatedAt = TestData.Now, Metric = "mae", Sum = 1, Count = 1 });

    [Fact]
    public async Task Send_ToRealServer_StoresBatch()
    {
        await using var server = await ClientTestServer.StartAsync();
        await using var admin = server.AdminClient();
        var uid = (await admin.RegisterProfileAsync(TestData.Custom("transport"))).Config.Uid;

        await using var transport = new HttpTransport(new ScouterClientOptions { ServerUri = server.Url, Username = "admin", Password = ClientTestServer.AdminPassword });
        Assert.Equal("http", transport.Name);
        await transport.SendAsync(TestData.Batch(new CustomRecord { Uid = uid, CreatedAt = TestData.Now.AddMinutes(-1), Metric = "mae", Sum = 6, Count = 3 }),
            TestContext.Current.CancellationToken);

        var drift = await admin.GetCustomDriftAsync(uid);
        Assert.Equal(2.0, drift.Metrics["mae"].Mean!.Value, 9);
    }

    [Fact]
    public async Task Send_UnknownUidToRealServer_IsNotRetryableAndNamesTheCode()
    {
        await using var server = await ClientTestServer.StartAsync();
        await using var transport = new HttpTransport(new ScouterClientOptions { ServerUri = server.Url, Username = "admin", Password = ClientTestServer.AdminPassword });
        var ex = await Assert.ThrowsAsync<TransportException>(() => transport.SendAsync(AnyBatch(), TestContext.Current.CancellationToken));
        Assert.False(ex.Retryable);
        var api = Assert.IsType<ScouterApiException>(ex.InnerException);
        Assert.Contains(api.Code!, ex.Message, StringComparison.Ordinal);
        Assert.InRange(api.StatusCode, 400, 499);
    }

    [Fact]
    public async Task Send_429WithRetryAfter_IsRetryableWithDelay()
    {
        await using var stub = await StubServer.StartAsync(ctx =>
        {
            ctx.Response.Headers.RetryAfter = "2";
            return Results.Problem(statusCode: 429, detail: "busy", extensions: new Dictionary<string, object?> { ["code"] = "ingest_queue_full" }).ExecuteAsync(ctx);
        });
        await using var transport = new HttpTransport(new ScouterClientOptions { ServerUri = stub.Url, ApiKey = "sk_scouter_test" });
        var ex = await Assert.ThrowsAsync<TransportException>(() => transport.SendAsync(AnyBatch(), TestContext.Current.CancellationToken));
        Assert.True(ex.Retryable);
        Assert.Equal(TimeSpan.FromSeconds(2), ex.RetryAfter);
        Assert.Contains("429 ingest_queue_full", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(503, true)]
    [InlineData(500, true)]
    [InlineData(400, false)]
    [InlineData(401, false)]
    [InlineData(403, false)]
    [InlineData(404, false)]
    [InlineData(413, false)]
    [InlineData(422, false)]
    public async Task Send_ClassifiesStatus(int status, bool retryable)
    {
        string? apiKey = null;
        await using var stub = await StubServer.StartAsync(ctx =>
        {
            apiKey = ctx.Request.Headers["X-Scouter-Api-Key"];
            return Results.Problem(statusCode: status, detail: "nope", extensions: new Dictionary<string, object?> { ["code"] = "stub_code", ["field"] = "records[0].uid" })
                .ExecuteAsync(ctx);
        });
        await using var transport = new HttpTransport(new ScouterClientOptions { ServerUri = stub.Url, ApiKey = "sk_scouter_test" });
        var ex = await Assert.ThrowsAsync<TransportException>(() => transport.SendAsync(AnyBatch(), TestContext.Current.CancellationToken));
        Assert.Equal(retryable, ex.Retryable);
        Assert.Contains("stub_code", ex.Message, StringComparison.Ordinal);
        Assert.Contains("records[0].uid", ex.Message, StringComparison.Ordinal);
        Assert.Equal("sk_scouter_test", apiKey);
    }

    [Fact]
    public async Task Send_202_Succeeds_AfterPostingTheBatchWithTheApiKey()
    {
        (string Method, string Path, string? ApiKey, string? ContentType, string Body)? received = null;
        await using var stub = await StubServer.StartAsync(async ctx =>
        {
            using var reader = new StreamReader(ctx.Request.Body);
            received = (ctx.Request.Method, ctx.Request.Path.Value!, ctx.Request.Headers["X-Scouter-Api-Key"], ctx.Request.ContentType, await reader.ReadToEndAsync());
            ctx.Response.StatusCode = 202;
            await ctx.Response.WriteAsync("""{"batch_id": "0193a0c0-0000-7000-8000-000000000000", "records": 1, "duplicate": false}""");
        });
        var uid = Guid.CreateVersion7();
        var batch = TestData.Batch(new CustomRecord { Uid = uid, CreatedAt = TestData.Now, Metric = "mae", Sum = 6.5, Count = 3 });
        await using var transport = new HttpTransport(new ScouterClientOptions { ServerUri = stub.Url, ApiKey = "sk_scouter_test" });

        await transport.SendAsync(batch, TestContext.Current.CancellationToken);

        var (method, path, apiKey, contentType, body) = Assert.NotNull(received);
        Assert.Equal(("POST", "/api/v1/records", "sk_scouter_test"), (method, path, apiKey));
        Assert.StartsWith("application/json", contentType, StringComparison.Ordinal);
        using var json = System.Text.Json.JsonDocument.Parse(body);
        Assert.Equal(batch.BatchId, json.RootElement.GetProperty("batch_id").GetGuid());
        var record = Assert.Single(json.RootElement.GetProperty("records").EnumerateArray());
        Assert.Equal("custom", record.GetProperty("type").GetString());
        Assert.Equal(uid, record.GetProperty("uid").GetGuid());
        Assert.Equal("mae", record.GetProperty("metric").GetString());
        Assert.Equal(6.5, record.GetProperty("sum").GetDouble());
        Assert.Equal(3, record.GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task Send_ServerDown_IsRetryable()
    {
        await using var transport = new HttpTransport(new ScouterClientOptions { ServerUri = $"http://127.0.0.1:{ScouterClientTests.ClosedPort()}", ApiKey = "k" });
        var ex = await Assert.ThrowsAsync<TransportException>(() => transport.SendAsync(AnyBatch(), TestContext.Current.CancellationToken));
        Assert.True(ex.Retryable);
        Assert.Null(ex.RetryAfter);
    }
}
