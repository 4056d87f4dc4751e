using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Scouter.Server.Auth;
using Scouter.Server.Storage;
using Scouter.Server.Tests.Fixtures;
using Xunit;

namespace Scouter.Server.Tests.Auth;

/// <summary>
/// The browser session: HttpOnly SameSite=Strict cookies on the same tokens, rotation with reuse
/// detection, logout that revokes, the CSRF header and same-origin rule for cookie-authenticated
/// unsafe requests, and <c>GET /me</c>.
/// </summary>
public class SessionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<string?> CodeAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("code").GetString();

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task Login_SetsHttpOnlyStrictCookies_AndTheCookieAuthenticatesApiCalls(SqlDialect dialect)
    {
        await using var server = await TestServer.StartAsync(dialect);
        using var browser = new TestBrowser(server);

        using var login = await browser.LoginAsync();

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var body = await login.Content.ReadAsStringAsync(Ct);
        Assert.Equal("""{"user":"admin","expires_in":3600}""", body);
        Assert.Equal(["no-store"], login.Headers.CacheControl!.ToString().Split(','));
        var access = Assert.Single(browser.LastSetCookies, c => c.StartsWith(SessionCookies.Access + "=", StringComparison.Ordinal));
        var refresh = Assert.Single(browser.LastSetCookies, c => c.StartsWith(SessionCookies.Refresh + "=", StringComparison.Ordinal));
        foreach (var cookie in new[] { access, refresh })
        {
            Assert.Contains("; httponly", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("; samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("; secure", cookie, StringComparison.OrdinalIgnoreCase); // plain HTTP on loopback
        }
        Assert.Contains("; path=/;", access + ";", StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; path=/api/v1/auth/session", refresh, StringComparison.OrdinalIgnoreCase);

        using var me = await browser.SendAsync(HttpMethod.Get, "/api/v1/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal("""{"name":"admin","kind":"user","global_role":"admin","spaces":[]}""", await me.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Me_ListsTheUsersSpaceRoles()
    {
        await using var server = await TestServer.StartAsync();
        await server.CreateUserClientAsync("reader", TestServer.Grants(("b-space", SpaceRole.Read), ("a-space", SpaceRole.Write)));
        using var browser = new TestBrowser(server);
        using var login = await browser.LoginAsync("reader", "password-of-reader");
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);

        using var me = await browser.SendAsync(HttpMethod.Get, "/api/v1/me");

        Assert.Equal("""{"name":"reader","kind":"user","global_role":null,"spaces":[{"space":"a-space","role":"write"},{"space":"b-space","role":"read"}]}""",
            await me.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task CookieAuthenticatedUnsafeRequests_NeedTheCsrfHeaderAndASameOrigin()
    {
        await using var server = await TestServer.StartAsync();
        using var browser = new TestBrowser(server);
        using (var noHeaderLogin = await browser.LoginAsync(csrf: false))
        {
            Assert.Equal(HttpStatusCode.Forbidden, noHeaderLogin.StatusCode);
            Assert.Equal("csrf_failed", await CodeAsync(noHeaderLogin));
        }
        using (var login = await browser.LoginAsync()) Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var unknownAlert = $"/api/v1/alerts/{Guid.NewGuid()}/acknowledge";

        using var noHeader = await browser.SendAsync(HttpMethod.Post, unknownAlert, new { }, csrf: false);
        browser.Origin = "http://evil.example";
        using var foreign = await browser.SendAsync(HttpMethod.Post, unknownAlert, new { });
        browser.Origin = server.Url;
        using var sameOrigin = await browser.SendAsync(HttpMethod.Post, unknownAlert, new { });

        Assert.Equal((HttpStatusCode.Forbidden, "csrf_failed"), (noHeader.StatusCode, await CodeAsync(noHeader)));
        Assert.Equal((HttpStatusCode.Forbidden, "csrf_failed"), (foreign.StatusCode, await CodeAsync(foreign)));
        Assert.Contains("evil.example", await foreign.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        // Past the guard: the route itself answers (no such alert).
        Assert.Equal(HttpStatusCode.NotFound, sameOrigin.StatusCode);

        // A bearer client sends neither header nor Origin and is not affected.
        using var bearer = await server.Admin.PostAsJsonAsync(unknownAlert, new { }, Ct);
        Assert.Equal(HttpStatusCode.NotFound, bearer.StatusCode);
    }

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task Refresh_Rotates_AndReusingAnOldRefreshCookieRevokesTheLoginAndItsAccessTokens(SqlDialect dialect)
    {
        await using var server = await TestServer.StartAsync(dialect);
        using var browser = new TestBrowser(server);
        using (var login = await browser.LoginAsync()) Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var first = new Dictionary<string, string>(browser.Cookies);

        using var rotated = await browser.SendAsync(HttpMethod.Post, "/api/v1/auth/session/refresh");
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        Assert.NotEqual(first[SessionCookies.Refresh], browser.Cookies[SessionCookies.Refresh]);
        Assert.NotEqual(first[SessionCookies.Access], browser.Cookies[SessionCookies.Access]);
        var second = new Dictionary<string, string>(browser.Cookies);
        using (var me = await browser.SendAsync(HttpMethod.Get, "/api/v1/me")) Assert.Equal(HttpStatusCode.OK, me.StatusCode);

        // A stolen, already used refresh cookie: refused, and the whole login is revoked.
        browser.Cookies.Clear();
        foreach (var (k, v) in first) browser.Cookies[k] = v;
        using var reused = await browser.SendAsync(HttpMethod.Post, "/api/v1/auth/session/refresh");
        Assert.Equal((HttpStatusCode.Unauthorized, "refresh_token_reused"), (reused.StatusCode, await CodeAsync(reused)));

        browser.Cookies.Clear();
        foreach (var (k, v) in second) browser.Cookies[k] = v;
        using var afterReuse = await browser.SendAsync(HttpMethod.Get, "/api/v1/me");
        Assert.Equal((HttpStatusCode.Unauthorized, "token_revoked"), (afterReuse.StatusCode, await CodeAsync(afterReuse)));
    }

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task Logout_ClearsTheCookies_AndRevokesTheLoginsTokens(SqlDialect dialect)
    {
        await using var server = await TestServer.StartAsync(dialect);
        using var browser = new TestBrowser(server);
        using (var login = await browser.LoginAsync()) Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var kept = new Dictionary<string, string>(browser.Cookies);

        using var logout = await browser.SendAsync(HttpMethod.Delete, "/api/v1/auth/session");

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        Assert.Empty(browser.Cookies);
        Assert.All(browser.LastSetCookies, c => Assert.Contains("expires=Thu, 01 Jan 1970", c, StringComparison.OrdinalIgnoreCase));
        // Someone who kept a copy of the cookies gets nothing with them.
        foreach (var (k, v) in kept) browser.Cookies[k] = v;
        using var me = await browser.SendAsync(HttpMethod.Get, "/api/v1/me");
        Assert.Equal((HttpStatusCode.Unauthorized, "token_revoked"), (me.StatusCode, await CodeAsync(me)));
        using var refresh = await browser.SendAsync(HttpMethod.Post, "/api/v1/auth/session/refresh");
        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_refresh_token"), (refresh.StatusCode, await CodeAsync(refresh)));
        // Another login of the same user is not affected.
        var other = server.CreateClient((await server.LoginAsync("admin", TestServer.AdminPassword)).AccessToken);
        using var otherMe = await other.GetAsync("/api/v1/me", Ct);
        Assert.Equal(HttpStatusCode.OK, otherMe.StatusCode);
    }

    [Fact]
    public async Task SessionLogin_IsThrottledLikeTokenLogins_WithRetryAfter()
    {
        await using var server = await TestServer.StartAsync();
        using var browser = new TestBrowser(server);
        for (var i = 0; i < LoginThrottle.MaxFailures; i++)
        {
            using var wrong = await browser.LoginAsync(password: "not-the-password");
            Assert.Equal((HttpStatusCode.Unauthorized, "invalid_credentials"), (wrong.StatusCode, await CodeAsync(wrong)));
        }

        using var throttled = await browser.LoginAsync();

        Assert.Equal((HttpStatusCode.TooManyRequests, "too_many_login_attempts"), (throttled.StatusCode, await CodeAsync(throttled)));
        var retryAfter = int.Parse(throttled.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, (int)LoginThrottle.Window.TotalSeconds);
        Assert.Empty(browser.Cookies);
    }
}
