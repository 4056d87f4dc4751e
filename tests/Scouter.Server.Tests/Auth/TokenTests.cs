using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Scouter.Server.Auth;
using Scouter.Server.Storage;
using Scouter.Server.Tests.Fixtures;
using Xunit;
using static Scouter.Server.Tests.Auth.AuthTestKit;

namespace Scouter.Server.Tests.Auth;

public class TokenTests
{
    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task Login_WithBootstrapPassword_IssuesBearerPairWithAdminClaims(SqlDialect dialect)
    {
        await using var server = await TestServer.StartAsync(dialect, map: MapProbe);

        var tokens = await server.LoginAsync("admin", TestServer.AdminPassword);

        Assert.Equal("bearer", tokens.TokenType);
        Assert.Equal(3600, tokens.ExpiresIn);
        Assert.NotEmpty(tokens.RefreshToken);
        Assert.Equal(3, tokens.AccessToken.Split('.').Length);
        var me = await WhoAmIAsync(server.CreateClient(tokens.AccessToken));
        Assert.Equal(("admin", "user", true), (me.Sub, me.Kind, me.Admin));
    }

    [Theory]
    [InlineData("/api/v1/auth/token")]
    [InlineData("/api/v1/auth/refresh")]
    [InlineData("/api/v1/auth/session")]
    [InlineData("/api/v1/profiles")]
    public async Task FormEncodedBody_IsToldJsonIsExpected_NotThatItLacksAToken(string path)
    {
        await using var server = await TestServer.StartAsync();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "admin", ["password"] = TestServer.AdminPassword });

        using var response = await server.CreateClient().PostAsync(path, form, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        var problem = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal("unsupported_media_type", problem.GetProperty("code").GetString());
        Assert.Contains("application/json", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task Login_UnknownUserAndWrongPassword_GiveTheSameProblem(SqlDialect dialect)
    {
        await using var server = await TestServer.StartAsync(dialect);
        var client = server.CreateClient();

        using var unknown = await LoginRawAsync(client, "nobody", "whatever-password");
        using var wrong = await LoginRawAsync(client, "admin", "wrong-password");

        var a = await AssertProblemAsync(unknown, HttpStatusCode.Unauthorized, "invalid_credentials");
        var b = await AssertProblemAsync(wrong, HttpStatusCode.Unauthorized, "invalid_credentials");
        Assert.Equal(a.GetProperty("detail").GetString(), b.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task Refresh_RotatesAndReuseRevokesTheWholeFamily(SqlDialect dialect)
    {
        await using var server = await TestServer.StartAsync(dialect, map: MapProbe);
        var client = server.CreateClient();
        var first = await server.LoginAsync("admin", TestServer.AdminPassword);
        var otherLogin = await server.LoginAsync("admin", TestServer.AdminPassword);

        using var rotated = await RefreshRawAsync(client, first.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var second = await rotated.ReadAsync<TokenResponse>();
        Assert.NotEqual(first.RefreshToken, second.RefreshToken);
        Assert.Equal("admin", (await WhoAmIAsync(server.CreateClient(second.AccessToken))).Sub);

        using var reused = await RefreshRawAsync(client, first.RefreshToken);
        await AssertProblemAsync(reused, HttpStatusCode.Unauthorized, "refresh_token_reused");
        using var descendant = await RefreshRawAsync(client, second.RefreshToken);
        await AssertProblemAsync(descendant, HttpStatusCode.Unauthorized, "invalid_refresh_token");

        using var unrelated = await RefreshRawAsync(client, otherLogin.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, unrelated.StatusCode);
        using var unknown = await RefreshRawAsync(client, "not-a-token");
        await AssertProblemAsync(unknown, HttpStatusCode.Unauthorized, "invalid_refresh_token");
    }

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task Tokens_ExpireOnTheInjectedClock(SqlDialect dialect)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));
        await using var server = await TestServer.StartAsync(dialect, services: s => s.AddSingleton<TimeProvider>(time), map: MapProbe);
        var tokens = await server.LoginAsync("admin", TestServer.AdminPassword);
        var user = server.CreateClient(tokens.AccessToken);
        Assert.Equal("admin", (await WhoAmIAsync(user)).Sub);

        time.Advance(TimeSpan.FromMinutes(61));
        using (var expired = await user.GetAsync(Probe)) await AssertProblemAsync(expired, HttpStatusCode.Unauthorized, "token_expired");

        using var refreshed = await RefreshRawAsync(server.CreateClient(), tokens.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        var renewed = await refreshed.ReadAsync<TokenResponse>();
        Assert.Equal("admin", (await WhoAmIAsync(server.CreateClient(renewed.AccessToken))).Sub);

        time.Advance(TimeSpan.FromDays(30) + TimeSpan.FromMinutes(1));
        using var stale = await RefreshRawAsync(server.CreateClient(), renewed.RefreshToken);
        await AssertProblemAsync(stale, HttpStatusCode.Unauthorized, "invalid_refresh_token");
    }

    [Fact]
    public async Task Refresh_RereadsRolesAndRefusesDisabledUsers()
    {
        await using var server = await TestServer.StartAsync(map: MapProbe);
        await server.CreateUserClientAsync("ann", TestServer.Grants(("s1", SpaceRole.Read)));
        var tokens = await server.LoginAsync("ann", "password-of-ann");
        Assert.Equal(["s1=read"], (await WhoAmIAsync(server.CreateClient(tokens.AccessToken))).Spaces);

        using (var update = await server.Admin.PutJsonAsync("/api/v1/users/ann", new UpdateUserRequest { Spaces = new() { ["s1"] = SpaceRole.Admin, ["s2"] = SpaceRole.Write } }))
            Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        using var refreshed = await RefreshRawAsync(server.CreateClient(), tokens.RefreshToken);
        var renewed = await refreshed.ReadAsync<TokenResponse>();
        Assert.Equal(["s1=admin", "s2=write"], (await WhoAmIAsync(server.CreateClient(renewed.AccessToken))).Spaces);

        using (var disable = await server.Admin.PutJsonAsync("/api/v1/users/ann", new UpdateUserRequest { Disabled = true }))
            Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        using var refused = await RefreshRawAsync(server.CreateClient(), renewed.RefreshToken);
        await AssertProblemAsync(refused, HttpStatusCode.Unauthorized, "invalid_refresh_token");
        using var login = await LoginRawAsync(server.CreateClient(), "ann", "password-of-ann");
        await AssertProblemAsync(login, HttpStatusCode.Unauthorized, "invalid_credentials");
    }

    [Fact]
    public async Task FailedLogins_AreThrottledPerUserAndAddress_WithRetryAfter()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));
        await using var server = await TestServer.StartAsync(services: s => s.AddSingleton<TimeProvider>(time));
        var client = server.CreateClient();
        for (var i = 0; i < LoginThrottle.MaxFailures; i++)
        {
            using var failed = await LoginRawAsync(client, "admin", "wrong-password");
            await AssertProblemAsync(failed, HttpStatusCode.Unauthorized, "invalid_credentials");
            time.Advance(TimeSpan.FromSeconds(10));
        }

        using var throttled = await LoginRawAsync(client, "admin", TestServer.AdminPassword);
        await AssertProblemAsync(throttled, HttpStatusCode.TooManyRequests, "too_many_login_attempts");
        Assert.Equal(TimeSpan.FromSeconds(250), throttled.Headers.RetryAfter?.Delta);
        using (var otherUser = await LoginRawAsync(client, "someone-else", "wrong-password"))
            await AssertProblemAsync(otherUser, HttpStatusCode.Unauthorized, "invalid_credentials");

        time.Advance(TimeSpan.FromSeconds(250));
        using var allowed = await LoginRawAsync(client, "admin", TestServer.AdminPassword);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    /// <summary>
    /// A user name that cannot exist — 70 000 characters, or a line break followed by a forged log
    /// line — is refused before the login is looked up, throttled or logged.
    /// </summary>
    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task Login_WithANameNoUserCanHave_Is400_AndNeverReachesTheLog(SqlDialect dialect)
    {
        var logs = new TestLoggerProvider();
        await using var server = await TestServer.StartAsync(dialect, services: s => s.AddSingleton<ILoggerProvider>(logs));
        var client = server.CreateClient();
        var flood = new string('n', 70_000);
        const string Forged = "eve\nFailed login for admin from 10.0.0.1";

        foreach (var name in new[] { flood, Forged })
        {
            using var login = await LoginRawAsync(client, name, "wrong-password");
            var problem = await AssertProblemAsync(login, HttpStatusCode.BadRequest, "invalid_user_name");
            Assert.Equal("username", problem.GetProperty("field").GetString());
        }
        // A name a user could have is still logged, so the capture itself works.
        using (var unknown = await LoginRawAsync(client, "nobody", "wrong-password"))
            await AssertProblemAsync(unknown, HttpStatusCode.Unauthorized, "invalid_credentials");

        Assert.Equal("nobody", Assert.Single(logs.WithEventId(410)).Values["User"]);
        Assert.Empty(logs.WithEventId(411));
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains(flood[..64], StringComparison.Ordinal) || e.Message.Contains("eve\n", StringComparison.Ordinal));
    }

    /// <summary>
    /// A login whose user is deleted while its password is verified stores no refresh token and fails
    /// as invalid credentials, instead of a foreign-key error (a 500).
    /// </summary>
    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task RefreshToken_OfAUserDeletedMeanwhile_IsNotStored(SqlDialect dialect)
    {
        await using var server = await TestServer.StartAsync(dialect);
        var store = server.App.Services.GetRequiredService<RefreshTokenStore>();
        var now = TimeProvider.System.GetUtcNow();

        var stored = await store.InsertRefreshTokenAsync(Secrets.Hash("token"), Secrets.NewId(), "deleted-meanwhile", now, now.AddDays(1), TestContext.Current.CancellationToken);

        Assert.False(stored);
        Assert.Equal(0, await Seed.CountAsync(server.Database.Database, "select count(*) from refresh_tokens where username = 'deleted-meanwhile'"));
    }

    [Fact]
    public async Task ProtectedEndpoint_WithoutOrWithBadCredentials_Answers401Problem()
    {
        await using var server = await TestServer.StartAsync(map: MapProbe);
        var anonymous = server.CreateClient();

        using (var none = await anonymous.GetAsync(Probe)) await AssertProblemAsync(none, HttpStatusCode.Unauthorized, "unauthorized");
        using (var users = await anonymous.GetAsync("/api/v1/users")) await AssertProblemAsync(users, HttpStatusCode.Unauthorized, "unauthorized");
        using (var keys = await anonymous.GetAsync("/api/v1/api-keys")) await AssertProblemAsync(keys, HttpStatusCode.Unauthorized, "unauthorized");

        var forged = server.CreateClient();
        forged.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJl");
        using (var bad = await forged.GetAsync(Probe)) await AssertProblemAsync(bad, HttpStatusCode.Unauthorized, "invalid_token");

        using var health = await anonymous.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
