using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scouter.Server.Auth;
using Scouter.Server.Tests.Fixtures;
using Xunit;

namespace Scouter.Server.Tests.Apis;

/// <summary>One server (SQLite, real auth) shared by the registration tests; each test uses its own space.</summary>
public sealed class ProfileRegistrationFixture : IAsyncLifetime
{
    public TestServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Server = await TestServer.StartAsync();

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// <c>POST /profiles</c> as a registration script expects it: the same profile again returns the
/// stored one, a changed profile under the same version is refused naming <c>bump</c>, and a profile
/// the system cannot carry is refused up front.
/// </summary>
public sealed class ProfileRegistrationTests(ProfileRegistrationFixture fixture) : IClassFixture<ProfileRegistrationFixture>
{
    private HttpClient Admin => fixture.Server.Admin;

    private static string NewSpace() => "reg" + Guid.NewGuid().ToString("N")[..10];

    private static string CustomJson(string space, double baseline = 0.9, string schedule = "0 0 0 * * *", string version = "1.0.0") => $$$"""
        {"drift_type":"custom","config":{"space":"{{{space}}}","name":"model","version":"{{{version}}}",
         "alert_config":{"schedule":"{{{schedule}}}"}},
         "metrics":[{"name":"accuracy","baseline":{{{baseline.ToString(CultureInfo.InvariantCulture)}}},"condition":"below","delta":0.05}]}
        """;

    private static StringContent Body(string profileJson, bool setActive = false, bool bump = false) => new(
        "{\"profile\":" + profileJson + ",\"set_active\":" + (setActive ? "true" : "false") + ",\"bump\":" + (bump ? "true" : "false") + "}",
        Encoding.UTF8, "application/json");

    private async Task<(HttpStatusCode Status, JsonElement Body)> RegisterAsync(string profileJson, bool setActive = false, bool bump = false, HttpClient? client = null)
    {
        using var response = await (client ?? Admin).PostAsync("/api/v1/profiles", Body(profileJson, setActive, bump), TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, JsonElement.Parse(text));
    }

    private async Task<JsonElement[]> ListAsync(string space)
    {
        var text = await Admin.GetStringAsync($"/api/v1/profiles?space={space}", TestContext.Current.CancellationToken);
        return [.. JsonElement.Parse(text).GetProperty("profiles").EnumerateArray()];
    }

    [Fact]
    public async Task RegisterTwice_SameProfile_ReturnsTheStoredOneWith200AndTheSameUid()
    {
        var space = NewSpace();
        var (firstStatus, first) = await RegisterAsync(CustomJson(space));

        var (againStatus, again) = await RegisterAsync(CustomJson(space));

        Assert.Equal(HttpStatusCode.Created, firstStatus);
        Assert.Equal(HttpStatusCode.OK, againStatus);
        Assert.Equal(first.GetProperty("uid").GetGuid(), again.GetProperty("uid").GetGuid());
        Assert.Equal("1.0.0", again.GetProperty("version").GetString());
        Assert.Equal(first.GetProperty("uid").GetGuid(), again.GetProperty("profile").GetProperty("config").GetProperty("uid").GetGuid());
        Assert.Single(await ListAsync(space));
    }

    [Fact]
    public async Task RegisterAgain_WithDefaultsLeftOutAndOtherStamps_IsTheSameProfile()
    {
        var space = NewSpace();
        var (_, first) = await RegisterAsync(CustomJson(space));
        // The same contents: defaults written out (repeat_interval, dispatch, sample_size, time_zone), another
        // uid, created_at and scouter_version, and keys in another order.
        var verbose = $$$"""
            {"scouter_version":"0.0.1","created_at":"2020-01-01T00:00:00Z","drift_type":"custom",
             "metrics":[{"delta":0.05,"condition":"below","baseline":0.9,"name":"accuracy"}],
             "config":{"uid":"{{{Guid.CreateVersion7()}}}","name":"model","space":"{{{space}}}","version":"1.0.0","sample_size":25,
               "alert_config":{"repeat_interval":"1.00:00:00","dispatch":[{"type":"console"}],"time_zone":null,"schedule":"0 0 0 * * *"}} }
            """;

        var (status, again) = await RegisterAsync(verbose);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(first.GetProperty("uid").GetGuid(), again.GetProperty("uid").GetGuid());
        // The stored stamps are kept, not replaced by the repeated registration's.
        Assert.Equal(first.GetProperty("profile").GetProperty("created_at").GetString(), again.GetProperty("profile").GetProperty("created_at").GetString());
    }

    [Fact]
    public async Task RegisterAgain_WithChangedDriftMath_Is409NamingTheFieldAndBump()
    {
        var space = NewSpace();
        var (_, first) = await RegisterAsync(CustomJson(space, baseline: 0.9));

        var (status, problem) = await RegisterAsync(CustomJson(space, baseline: 0.8));

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("profile_exists", problem.GetProperty("code").GetString());
        Assert.Equal("profile.metrics[0].baseline", problem.GetProperty("field").GetString());
        Assert.Equal(first.GetProperty("uid").GetGuid(), problem.GetProperty("uid").GetGuid());
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("already registered with different contents", detail, StringComparison.Ordinal);
        Assert.Contains("bump=true", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("PUT", detail, StringComparison.Ordinal);
        var stored = Assert.Single(await ListAsync(space));
        var storedProfile = JsonNode.Parse(await Admin.GetStringAsync($"/api/v1/profiles/{stored.GetProperty("uid").GetGuid()}", TestContext.Current.CancellationToken))!;
        Assert.Equal(0.9, (double)storedProfile["metrics"]![0]!["baseline"]!);
    }

    [Fact]
    public async Task RegisterAgain_WithChangedAlertSettingsOnly_Is409PointingAtTheUpdateRoute()
    {
        var space = NewSpace();
        var (_, first) = await RegisterAsync(CustomJson(space, schedule: "0 0 0 * * *"));

        var (status, problem) = await RegisterAsync(CustomJson(space, schedule: "0 0 * * * *"));

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("profile.config.alert_config.schedule", problem.GetProperty("field").GetString());
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("bump=true", detail, StringComparison.Ordinal);
        Assert.Contains($"PUT /api/v1/profiles/{first.GetProperty("uid").GetGuid()}", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RegisterAgain_SameProfileWithSetActive_ReactivatesItAndDeactivatesTheOtherVersions()
    {
        var space = NewSpace();
        var (_, v1) = await RegisterAsync(CustomJson(space, version: "1.0.0"), setActive: true);
        var (_, v2) = await RegisterAsync(CustomJson(space, version: "2.0.0"), setActive: true);

        var (status, again) = await RegisterAsync(CustomJson(space, version: "1.0.0"), setActive: true);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(v1.GetProperty("uid").GetGuid(), again.GetProperty("uid").GetGuid());
        Assert.True(again.GetProperty("active").GetBoolean());
        var active = (await ListAsync(space)).Where(p => p.GetProperty("active").GetBoolean()).Select(p => p.GetProperty("uid").GetGuid());
        Assert.Equal([v1.GetProperty("uid").GetGuid()], active);
        Assert.NotEqual(v1.GetProperty("uid").GetGuid(), v2.GetProperty("uid").GetGuid());
    }

    [Fact]
    public async Task RegisterAgain_SameProfileWithoutSetActive_LeavesTheActivationAlone()
    {
        var space = NewSpace();
        await RegisterAsync(CustomJson(space), setActive: true);

        var (status, again) = await RegisterAsync(CustomJson(space), setActive: false);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(again.GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task RegisterAgain_SameProfileWithBump_RegistersTheNextPatchVersion()
    {
        var space = NewSpace();
        var (_, first) = await RegisterAsync(CustomJson(space));

        var (status, bumped) = await RegisterAsync(CustomJson(space), bump: true);

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("1.0.1", bumped.GetProperty("version").GetString());
        Assert.NotEqual(first.GetProperty("uid").GetGuid(), bumped.GetProperty("uid").GetGuid());
    }

    [Fact]
    public async Task RegisterAgain_WithoutWriteOnTheSpace_Is403EvenWhenIdentical()
    {
        var space = NewSpace();
        await RegisterAsync(CustomJson(space));
        var reader = await fixture.Server.CreateApiKeyClientAsync(TestServer.Grants((space, SpaceRole.Read)));

        var (status, problem) = await RegisterAsync(CustomJson(space), client: reader);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("forbidden", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Register_HandWrittenProfileWithoutOptionalFields_StoresTheDocumentedDefaults()
    {
        var space = NewSpace();
        var minimal = $$$"""{"drift_type":"custom","config":{"space":"{{{space}}}","name":"model","alert_config":{"schedule":"0 0 * * * *"}},"metrics":[{"name":"mae","baseline":1}]}""";

        var (status, created) = await RegisterAsync(minimal);

        Assert.Equal(HttpStatusCode.Created, status);
        var config = created.GetProperty("profile").GetProperty("config");
        Assert.Equal("0.1.0", config.GetProperty("version").GetString());
        Assert.Equal(25, config.GetProperty("sample_size").GetInt32());
        Assert.Equal("1.00:00:00", config.GetProperty("alert_config").GetProperty("repeat_interval").GetString());
        Assert.Equal("console", config.GetProperty("alert_config").GetProperty("dispatch")[0].GetProperty("type").GetString());
    }

    [Fact]
    public async Task Register_ExplicitZeroRepeatInterval_IsStillRefused()
    {
        var space = NewSpace();
        var json = $$$"""{"drift_type":"custom","config":{"space":"{{{space}}}","name":"model","alert_config":{"repeat_interval":"00:00:00"}},"metrics":[{"name":"mae","baseline":1}]}""";

        var (status, problem) = await RegisterAsync(json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_profile", problem.GetProperty("code").GetString());
        Assert.Contains("repeat_interval", problem.GetProperty("field").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_ProfileWithAnOverlongMetricName_Is400ProfileTooLarge()
    {
        var space = NewSpace();
        var name = new string('m', 513);
        var json = $$$"""{"drift_type":"custom","config":{"space":"{{{space}}}","name":"model"},"metrics":[{"name":"{{{name}}}","baseline":1}]}""";

        var (status, problem) = await RegisterAsync(json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("profile_too_large", problem.GetProperty("code").GetString());
        Assert.StartsWith("profile.metrics.mmmm", problem.GetProperty("field").GetString(), StringComparison.Ordinal);
        Assert.Contains("at most 512 characters", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(await ListAsync(space));
    }

    [Fact]
    public async Task Register_ProfileWithMoreMetricsThanTheLimit_Is400ProfileTooLarge()
    {
        var space = NewSpace();
        var metrics = string.Join(',', Enumerable.Range(0, 100_001).Select(i => string.Create(CultureInfo.InvariantCulture, $$$"""{"name":"m{{{i}}}","baseline":1}""")));
        var json = $$$"""{"drift_type":"custom","config":{"space":"{{{space}}}","name":"model"},"metrics":[{{{metrics}}}]}""";

        var (status, problem) = await RegisterAsync(json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("profile_too_large", problem.GetProperty("code").GetString());
        Assert.Equal("profile.metrics", problem.GetProperty("field").GetString());
        Assert.Contains("at most 100000 metrics; this one has 100001", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(await ListAsync(space));
    }

    [Fact]
    public async Task Register_ProfileAtTheMetricLimit_IsAccepted()
    {
        var space = NewSpace();
        var metrics = string.Join(',', Enumerable.Range(0, 100_000).Select(i => string.Create(CultureInfo.InvariantCulture, $$$"""{"name":"m{{{i}}}","baseline":1}""")));
        var json = $$$"""{"drift_type":"custom","config":{"space":"{{{space}}}","name":"model"},"metrics":[{{{metrics}}}]}""";

        var (status, _) = await RegisterAsync(json);

        Assert.Equal(HttpStatusCode.Created, status);
    }
}
