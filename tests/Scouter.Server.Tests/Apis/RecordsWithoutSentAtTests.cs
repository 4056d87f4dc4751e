using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Scouter.Server.Tests.Fixtures;
using Xunit;

namespace Scouter.Server.Tests.Apis;

public sealed class RecordsWithoutSentAtTests
{
    [Fact]
    public async Task Batch_WithoutSentAt_IsAcceptedAndStored()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await TestServer.StartAsync();
        var space = "sent" + Guid.NewGuid().ToString("N")[..8];
        var profile = """{"profile":{"drift_type":"custom","config":{"space":"SPACE","name":"model"},"metrics":[{"name":"mae","baseline":1}]},"set_active":false,"bump":false}"""
            .Replace("SPACE", space, StringComparison.Ordinal);
        using var registered = await server.Admin.PostAsync("/api/v1/profiles", new StringContent(profile, Encoding.UTF8, "application/json"), ct);
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var uid = JsonElement.Parse(await registered.Content.ReadAsStringAsync(ct)).GetProperty("uid").GetGuid();
        var at = TimeProvider.System.GetUtcNow().AddMinutes(-1).ToString("O", CultureInfo.InvariantCulture);
        var batch = $$"""
            {"batch_id":"{{Guid.CreateVersion7()}}","records":[
              {"type":"custom","uid":"{{uid}}","created_at":"{{at}}","metric":"mae","sum":3,"count":2}]}
            """;

        using var response = await server.Admin.PostAsync("/api/v1/records", new StringContent(batch, Encoding.UTF8, "application/json"), ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var drift = JsonElement.Parse(await server.Admin.GetStringAsync($"/api/v1/drift/custom?uid={uid}&buckets=1", ct));
        Assert.Equal(2, drift.GetProperty("metrics").GetProperty("mae").GetProperty("count").GetInt64());
    }
}
