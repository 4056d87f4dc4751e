using Scouter.Client;
using Scouter.IntegrationTests.Fixtures;
using Xunit;

namespace Scouter.IntegrationTests.Http;

/// <summary>The broker scenario over the default HTTP transport: the baseline the broker tests mirror.</summary>
public sealed class HttpEndToEndTests
{
    [Fact]
    public async Task HundredThousandInserts_StoredExactly_DriftCheckAlerts()
    {
        const int total = 100_000;
        var ct = TestContext.Current.CancellationToken;
        await using var database = await PostgresDatabase.CreateAsync();
        await using var server = await BrokerTestServer.StartAsync(database, _ => { });
        await using var admin = server.AdminClient();
        var profile = await PsiTraffic.RegisterProfileAsync(admin, "http-e2e", ct);

        var queue = PsiTraffic.Queue(profile, new HttpTransport(new ScouterClientOptions
        {
            ServerUri = server.Url, Username = "admin", Password = BrokerTestServer.AdminPassword,
        }));
        PsiTraffic.Insert(queue, total);
        await queue.ShutdownAsync(TimeSpan.FromSeconds(120));

        PsiTraffic.AssertDelivered(queue.Statistics, total);
        await PsiTraffic.AssertStoredExactlyAsync(admin, profile.Config.Uid, total, TimeSpan.FromSeconds(30), ct, TimeSpan.Zero);
        await PsiTraffic.AssertDriftAlertAsync(admin, profile.Config.Uid, ct);
    }
}
