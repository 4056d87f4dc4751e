using Xunit;

namespace Scouter.Client.Tests.Api;

public sealed class RegistrationAndSettingsTests : IAsyncLifetime
{
    private ClientTestServer server = null!;

    public async ValueTask InitializeAsync() => server = await ClientTestServer.StartAsync();

    public async ValueTask DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task RegisterProfile_SameProfileAgain_ReturnsTheStoredProfileWithItsUid()
    {
        await using var client = server.AdminClient();
        var first = await client.RegisterProfileAsync(TestData.Psi("again"), setActive: true);

        var again = await client.RegisterProfileAsync(TestData.Psi("again"), setActive: true);

        Assert.Equal(first.Config.Uid, again.Config.Uid);
        Assert.Equal("1.0.0", again.Config.Version);
        Assert.Equal(first.ToJson(), again.ToJson());
        Assert.Single(await client.ListProfilesAsync(new ProfileFilter { Space = "again" }));
    }

    [Fact]
    public async Task RegisterProfile_ChangedProfileUnderTheSameVersion_ThrowsConflictSayingBump()
    {
        await using var client = server.AdminClient();
        await client.RegisterProfileAsync(TestData.Custom("changed"));
        var changed = new CustomDriftProfile(new CustomMetricDriftConfig { Space = "changed", Name = "model", Version = "1.0.0" },
            [new CustomMetric("mae", 1.0, AlertThreshold.Below, 0.5)]);

        var ex = await Assert.ThrowsAsync<ScouterApiException>(() => client.RegisterProfileAsync(changed));

        Assert.Equal(409, ex.StatusCode);
        Assert.Equal("profile_exists", ex.Code);
        Assert.Contains("bump=true", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_ServerUrlVariable_IsUsedWhenServerUriIsUnset()
    {
        var env = new Dictionary<string, string> { ["SCOUTER_SERVER_URL"] = "http://url-host:9001" };

        var settings = ResolvedClientSettings.Create(null, "k", null, null, TimeSpan.FromSeconds(5), null, "ServerUri", env.GetValueOrDefault);

        Assert.Equal(new Uri("http://url-host:9001/api/v1/"), settings.ApiBase);
    }

    [Fact]
    public void Settings_ServerUriVariable_WinsOverServerUrl_AndCodeWinsOverBoth()
    {
        var env = new Dictionary<string, string> { ["SCOUTER_SERVER_URI"] = "http://uri-host:9002", ["SCOUTER_SERVER_URL"] = "http://url-host:9001" };

        var fromEnv = ResolvedClientSettings.Create(null, "k", null, null, TimeSpan.FromSeconds(5), null, "ServerUri", env.GetValueOrDefault);
        var fromCode = ResolvedClientSettings.Create("http://code-host:9003", "k", null, null, TimeSpan.FromSeconds(5), null, "ServerUri", env.GetValueOrDefault);

        Assert.Equal(new Uri("http://uri-host:9002/api/v1/"), fromEnv.ApiBase);
        Assert.Equal(new Uri("http://code-host:9003/api/v1/"), fromCode.ApiBase);
    }

    [Fact]
    public void Settings_InvalidServerUrlVariable_IsRefusedNamingIt()
    {
        var env = new Dictionary<string, string> { ["SCOUTER_SERVER_URL"] = "not a url" };

        var ex = Assert.Throws<ArgumentException>(() =>
            ResolvedClientSettings.Create(null, "k", null, null, TimeSpan.FromSeconds(5), null, "ServerUri", env.GetValueOrDefault));

        Assert.Contains("SCOUTER_SERVER_URL", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_NoAddressAnywhere_UsesTheDefault()
    {
        var settings = ResolvedClientSettings.Create(null, "k", null, null, TimeSpan.FromSeconds(5), null, "ServerUri", _ => null);

        Assert.Equal(new Uri("http://localhost:8000/api/v1/"), settings.ApiBase);
    }
}
