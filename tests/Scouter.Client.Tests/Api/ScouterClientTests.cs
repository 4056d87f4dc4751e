using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Scouter.Records;
using Xunit;

namespace Scouter.Client.Tests.Api;

public sealed class ScouterClientTests : IAsyncLifetime
{
    private ClientTestServer server = null!;

    public async ValueTask InitializeAsync() => server = await ClientTestServer.StartAsync();

    public async ValueTask DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task RegisterProfile_WithBump_ReturnsTypedProfileWithServerUidAndNextVersion()
    {
        await using var client = server.AdminClient();
        var first = await client.RegisterProfileAsync(TestData.Custom("bump"), setActive: true);
        var second = await client.RegisterProfileAsync(TestData.Custom("bump"), bump: true);

        Assert.IsType<CustomDriftProfile>(second);
        Assert.NotEqual(Guid.Empty, first.Config.Uid);
        Assert.NotEqual(first.Config.Uid, second.Config.Uid);
        Assert.Equal("1.0.0", first.Config.Version);
        Assert.Equal("1.0.1", second.Config.Version);
        Assert.Equal(1, client.Auth.Logins);
    }

    [Fact]
    public async Task RegisterProfile_ExistingVersionWithOtherContentsWithoutBump_ThrowsConflictWithCode()
    {
        await using var client = server.AdminClient();
        await client.RegisterProfileAsync(TestData.Custom("dup"));
        var changed = new CustomDriftProfile(new CustomMetricDriftConfig { Space = "dup", Name = "model", Version = "1.0.0" },
            [new CustomMetric("mae", 2.0, AlertThreshold.Above, 0.5)]);
        var ex = await Assert.ThrowsAsync<ScouterApiException>(() => client.RegisterProfileAsync(changed));
        Assert.Equal(409, ex.StatusCode);
        Assert.Equal("profile_exists", ex.Code);
    }

    [Fact]
    public async Task StatusGetListAndDownload_RoundTrip()
    {
        await using var client = server.AdminClient();
        DriftProfile registered = await client.RegisterProfileAsync(TestData.Psi("rt"));
        var uid = registered.Config.Uid;

        var status = await client.UpdateProfileStatusAsync(uid, active: true, deactivateOthers: true);
        Assert.True(status.Active);
        Assert.Equal(DriftType.Psi, status.DriftType);

        var fetched = Assert.IsType<PsiDriftProfile>(await client.GetProfileAsync(uid));
        Assert.Equal(registered.ToJson(), fetched.ToJson());

        var listed = await client.ListProfilesAsync(new ProfileFilter { Space = "rt", DriftType = DriftType.Psi });
        var info = Assert.Single(listed);
        Assert.Equal(uid, info.Uid);
        Assert.Equal("model", info.Name);
        Assert.Empty(await client.ListProfilesAsync(new ProfileFilter { Space = "rt", DriftType = DriftType.Spc }));

        var path = Path.Combine(Path.GetTempPath(), $"scouter-client-{Guid.NewGuid():N}", "psi.json");
        try
        {
            await client.DownloadProfileAsync(new GetProfileRequest { Space = "rt", Name = "model", Version = "1.0.0", DriftType = DriftType.Psi }, path);
            var loaded = Assert.IsType<PsiDriftProfile>(DriftProfile.Load(path));
            Assert.Equal(uid, loaded.Config.Uid);
            Assert.Equal(registered.ToJson(), loaded.ToJson());
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }

        var missing = await Assert.ThrowsAsync<ScouterApiException>(() => client.DownloadProfileAsync(
            new GetProfileRequest { Space = "rt", Name = "model", Version = "9.9.9", DriftType = DriftType.Psi }, path));
        Assert.Equal(404, missing.StatusCode);
        Assert.Equal("profile_not_found", missing.Code);
    }

    [Fact]
    public async Task DriftQueries_AfterSendingBatches_ReturnTypedSeries()
    {
        await using var client = server.AdminClient();
        var psi = (await client.RegisterProfileAsync(TestData.Psi("drift"))).Config.Uid;
        var spc = (await client.RegisterProfileAsync(TestData.Spc("drift"))).Config.Uid;
        var custom = (await client.RegisterProfileAsync(TestData.Custom("drift"))).Config.Uid;
        var llm = (await client.RegisterProfileAsync(TestData.Llm("drift"))).Config.Uid;
        var at = TestData.Now.AddMinutes(-5);

        var batch = TestData.Batch(
            new PsiRecord { Uid = psi, CreatedAt = at, Feature = "age", BinCounts = new Dictionary<int, long> { [1] = 30, [2] = 40, [3] = 20, [0] = 10 } },
            new SpcRecord { Uid = spc, CreatedAt = at, Feature = "x", Mean = 10.5, Count = 25 },
            new CustomRecord { Uid = custom, CreatedAt = at, Metric = "mae", Sum = 12, Count = 10 },
            new LlmDriftRecord { Uid = llm, CreatedAt = at, RecordId = Guid.CreateVersion7(), Input = "q", Response = "a" });
        var ingested = await client.SendBatchAsync(batch);
        Assert.Equal(batch.BatchId, ingested.BatchId);
        Assert.Equal(4, ingested.Records);
        Assert.False(ingested.Duplicate);
        Assert.True((await client.SendBatchAsync(batch)).Duplicate);

        var psiDrift = await client.GetPsiDriftAsync(psi, buckets: 4);
        Assert.Equal(psi, psiDrift.Uid);
        Assert.Equal(4, psiDrift.BucketStarts.Count);
        var age = psiDrift.Features["age"];
        Assert.Equal(100, age.N);
        Assert.Equal(0.3, age.ObservedProportions["1"], 9);
        Assert.Equal(0.1, age.BaselineProportions["0"], 9);

        var spcDrift = await client.GetSpcDriftAsync(spc, TestData.Now.AddHours(-1), TestData.Now.AddMinutes(1));
        var x = spcDrift.Features["x"];
        Assert.Equal([10.5], x.Means);
        Assert.Equal([25L], x.Counts);
        Assert.Equal(10, x.Limits.Center);
        Assert.False(spcDrift.Truncated);

        var customDrift = await client.GetCustomDriftAsync(custom, buckets: 2);
        var mae = customDrift.Metrics["mae"];
        Assert.Equal(1.2, mae.Mean!.Value, 9);
        Assert.Equal(10, mae.Count);
        Assert.Equal(AlertThreshold.Above, mae.Condition);
        Assert.Null(customDrift.RecordStatus);

        var llmDrift = await client.GetLlmDriftAsync(llm);
        Assert.Equal(24, llmDrift.BucketStarts.Count);
        Assert.True(llmDrift.Metrics.ContainsKey("relevance"));
        Assert.NotNull(llmDrift.RecordStatus);
        Assert.Equal(1, llmDrift.RecordStatus!.Values.Sum());
    }

    [Fact]
    public async Task RunDriftCheck_OpensAlert_ThenAlertsListAndAcknowledge()
    {
        await using var client = server.AdminClient();
        var uid = (await client.RegisterProfileAsync(TestData.Custom("alerts"), setActive: true)).Config.Uid;
        await client.SendBatchAsync(TestData.Batch(new CustomRecord { Uid = uid, CreatedAt = TestData.Now.AddMinutes(-1), Metric = "mae", Sum = 50, Count = 10 }));

        var result = await client.RunDriftCheckAsync(uid);
        Assert.Equal("manual", result.GetProperty("trigger").GetString());
        Assert.Equal(1, result.GetProperty("alerts_opened").GetInt32());

        var page = await client.GetAlertsAsync(new AlertQuery { Uid = uid, Status = "firing" });
        Assert.Equal(1, page.Total);
        var alert = Assert.Single(page.Items);
        Assert.Equal("mae", alert.FeatureOrMetric);
        Assert.Equal("alerts", alert.Space);

        var acknowledged = await client.AcknowledgeAlertAsync(alert.Id);
        Assert.Equal("acknowledged", acknowledged.Status);
        Assert.Equal("admin", acknowledged.AcknowledgedBy);
        Assert.Empty((await client.GetAlertsAsync(new AlertQuery { Uid = uid, Status = "firing" })).Items);
    }

    [Fact]
    public async Task AlertFiltersAndOverview_ReachTheServer()
    {
        await using var client = server.AdminClient();
        var uid = (await client.RegisterProfileAsync(TestData.Custom("filters"), setActive: true)).Config.Uid;
        await client.SendBatchAsync(TestData.Batch(new CustomRecord { Uid = uid, CreatedAt = TestData.Now.AddMinutes(-1), Metric = "mae", Sum = 50, Count = 10 }));
        await client.RunDriftCheckAsync(uid);

        var openCustom = await client.GetAlertsAsync(new AlertQuery { Uid = uid, Open = true, Kind = "custom" });
        var openPsi = await client.GetAlertsAsync(new AlertQuery { Uid = uid, Open = true, Kind = "psi" });
        var resolved = await client.GetAlertsAsync(new AlertQuery { Uid = uid, Open = false });
        var overview = await client.GetOverviewAsync("filters");

        var alert = Assert.Single(openCustom.Items);
        Assert.Equal(("custom", "mae"), (alert.Kind, alert.FeatureOrMetric));
        // A custom metric's alert is a warning (critical is kept for PSI >= 0.25, beyond 3 sigma and failing evaluation).
        Assert.Equal(1, (await client.GetAlertsAsync(new AlertQuery { Uid = uid, Severity = "warning" })).Total);
        Assert.Equal(0, (await client.GetAlertsAsync(new AlertQuery { Uid = uid, Severity = "critical" })).Total);
        Assert.Empty(openPsi.Items);
        Assert.Empty(resolved.Items);
        Assert.Equal(["filters"], overview.Spaces);
        var profile = Assert.Single(overview.Profiles);
        Assert.Equal((uid, 1L, 1L), (profile.Uid, profile.OpenAlerts.Total, profile.OpenAlerts.Firing));
        Assert.Equal("alert", profile.LastCheck?.Status);
    }

    [Fact]
    public async Task Errors_404And400_CarryProblemDetails()
    {
        await using var client = server.AdminClient();
        var notFound = await Assert.ThrowsAsync<ScouterApiException>(() => client.GetProfileAsync(Guid.NewGuid()));
        Assert.Equal(404, notFound.StatusCode);
        Assert.Equal("profile_not_found", notFound.Code);
        Assert.Contains("No profile", notFound.Detail, StringComparison.Ordinal);
        Assert.Null(notFound.Field);
        Assert.False(notFound.IsTransient);

        var uid = (await client.RegisterProfileAsync(TestData.Psi("errors"))).Config.Uid;
        var bad = await Assert.ThrowsAsync<ScouterApiException>(() => client.GetPsiDriftAsync(uid, TestData.Now, TestData.Now.AddHours(-1)));
        Assert.Equal(400, bad.StatusCode);
        Assert.Equal("invalid_query", bad.Code);
        Assert.Equal("from", bad.Field);
        Assert.Equal(bad.Detail, bad.Message);

        var mismatch = await Assert.ThrowsAsync<ScouterApiException>(() => client.GetSpcDriftAsync(uid));
        Assert.Equal("type_mismatch", mismatch.Code);
    }

    [Fact]
    public async Task GetMe_NamesTheCaller_ForAUserAndForAnApiKey()
    {
        await using var admin = server.AdminClient();
        var me = await admin.GetMeAsync(TestContext.Current.CancellationToken);
        Assert.Equal(("admin", "user", "admin"), (me.Name, me.Kind, me.GlobalRole));

        var key = await server.CreateApiKeyAsync("me-space", "write");
        await using var keyed = new ScouterClient(new ScouterClientOptions { ServerUri = server.Url, ApiKey = key });
        var caller = await keyed.GetMeAsync(TestContext.Current.CancellationToken);
        Assert.Equal("api_key", caller.Kind);
        Assert.Null(caller.GlobalRole);
        var grant = Assert.Single(caller.Spaces);
        Assert.Equal(("me-space", "write"), (grant.Space, grant.Role));
    }

    [Fact]
    public async Task WrongPassword_ThrowsInvalidCredentials()
    {
        await using var client = new ScouterClient(new ScouterClientOptions { ServerUri = server.Url, Username = "admin", Password = "wrong-password" });
        var ex = await Assert.ThrowsAsync<ScouterApiException>(() => client.ListProfilesAsync());
        Assert.Equal(401, ex.StatusCode);
        Assert.Equal("invalid_credentials", ex.Code);
        Assert.DoesNotContain("wrong-password", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiKey_AuthenticatesWithinItsSpaces()
    {
        var key = await server.CreateApiKeyAsync("keyed", "write");
        await using var client = new ScouterClient(new ScouterClientOptions { ServerUri = server.Url, ApiKey = key });
        var profile = await client.RegisterProfileAsync(TestData.Custom("keyed"));
        Assert.Equal("keyed", Assert.Single(await client.ListProfilesAsync()).Space);
        await client.SendBatchAsync(TestData.Batch(new CustomRecord { Uid = profile.Config.Uid, CreatedAt = TestData.Now, Metric = "mae", Sum = 1, Count = 1 }));
        Assert.Equal(0, client.Auth.Logins);

        var forbidden = await Assert.ThrowsAsync<ScouterApiException>(() => client.RegisterProfileAsync(TestData.Custom("other")));
        Assert.Equal(403, forbidden.StatusCode);
        Assert.Equal("forbidden", forbidden.Code);

        await using var badKey = new ScouterClient(new ScouterClientOptions { ServerUri = server.Url, ApiKey = "sk_scouter_nope" });
        var unauthorized = await Assert.ThrowsAsync<ScouterApiException>(() => badKey.ListProfilesAsync());
        Assert.Equal(401, unauthorized.StatusCode);
    }

    [Fact]
    public async Task NetworkFailure_IsStatusZeroWithInnerHttpRequestException()
    {
        await using var client = new ScouterClient(new ScouterClientOptions { ServerUri = $"http://127.0.0.1:{ClosedPort()}", ApiKey = "sk_scouter_x" });
        var ex = await Assert.ThrowsAsync<ScouterApiException>(() => client.ListProfilesAsync());
        Assert.Equal(0, ex.StatusCode);
        Assert.Equal("network_error", ex.Code);
        Assert.IsType<HttpRequestException>(ex.InnerException);
        Assert.True(ex.IsTransient);
    }

    [Fact]
    public void Options_InvalidServerUri_ThrowsNamingTheSetting()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ScouterClient(new ScouterClientOptions { ServerUri = "not a uri", ApiKey = "k" }));
        Assert.Equal("ServerUri", ex.ParamName);
        Assert.Contains("SCOUTER_SERVER_URI", ex.Message, StringComparison.Ordinal);

        var ftp = Assert.Throws<ArgumentException>(() => new HttpTransport(new ScouterClientOptions { ServerUri = "ftp://host", ApiKey = "k" }));
        Assert.Equal("ServerUri", ftp.ParamName);
    }

    [Fact]
    public async Task Options_ServerUriWithPath_KeepsThePrefix()
    {
        await using var client = new ScouterClient(new ScouterClientOptions { ServerUri = "http://host:9000/scouter/", ApiKey = "k" });
        Assert.Equal(new Uri("http://host:9000/scouter/api/v1/"), client.BaseAddress);
    }

    internal static int ClosedPort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

public sealed class TokenRefreshTests
{
    [Fact]
    public async Task ServerClockPastExpiry_ClientRefreshesAfter401AndRetries()
    {
        var serverTime = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var server = await ClientTestServer.StartAsync(s => s.AddSingleton<TimeProvider>(serverTime));
        await using var client = server.AdminClient();
        await client.RegisterProfileAsync(TestData.Custom("refresh"));

        serverTime.Advance(TimeSpan.FromMinutes(61));
        Assert.Single(await client.ListProfilesAsync(new ProfileFilter { Space = "refresh" }));
        Assert.Equal(1, client.Auth.Logins);
        Assert.Equal(1, client.Auth.Refreshes);
    }

    [Fact]
    public async Task SharedClockNearExpiry_ClientRefreshesBeforeSending()
    {
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var server = await ClientTestServer.StartAsync(s => s.AddSingleton<TimeProvider>(time));
        await using var client = server.AdminClient(time);
        await client.ListProfilesAsync();

        time.Advance(TimeSpan.FromMinutes(59.5));
        await client.ListProfilesAsync();
        Assert.Equal(1, client.Auth.Refreshes);

        // The refresh token has expired too (30 days): the client logs in again.
        time.Advance(TimeSpan.FromDays(31));
        await client.ListProfilesAsync();
        Assert.Equal(2, client.Auth.Logins);
    }

    [Fact]
    public async Task ConcurrentCalls_ShareOneLogin()
    {
        await using var server = await ClientTestServer.StartAsync();
        await using var client = server.AdminClient();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.ListProfilesAsync()));
        Assert.Equal(1, client.Auth.Logins);
    }
}
