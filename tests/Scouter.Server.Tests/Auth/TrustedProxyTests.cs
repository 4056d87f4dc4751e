using System.Net;
using System.Net.Http.Json;
using Scouter.Server.Apis;
using Scouter.Server.Auth;
using Scouter.Server.Tests.Fixtures;
using Xunit;

namespace Scouter.Server.Tests.Auth;

/// <summary>
/// <c>SCOUTER_TRUSTED_PROXIES</c>: behind a TLS-terminating proxy the session cookies are <c>Secure</c> and
/// login throttling counts the forwarded client address; the same headers from anyone else change nothing.
/// </summary>
public class TrustedProxyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FromATrustedProxy_ForwardedHttps_MakesTheSessionCookiesSecure()
    {
        await using var server = await TestServer.StartAsync(configure: o => o.TrustedProxies = "10.9.0.0/16, 127.0.0.1");

        var cookies = await SessionCookiesAsync(server, forwardedProto: "https");

        Assert.Equal(2, cookies.Count);
        Assert.All(cookies, c => Assert.Contains("; secure", c, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task WithoutTrustedProxies_ForwardedHeadersAreIgnored()
    {
        await using var server = await TestServer.StartAsync();

        var cookies = await SessionCookiesAsync(server, forwardedProto: "https");

        Assert.Equal(2, cookies.Count);
        Assert.All(cookies, c => Assert.DoesNotContain("secure", c, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task FromATrustedProxy_ThrottlingCountsTheForwardedClient_NotTheProxy()
    {
        await using var server = await TestServer.StartAsync(configure: o => o.TrustedProxies = "127.0.0.1");
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };

        for (var i = 0; i < LoginThrottle.MaxFailures; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(http, "wrong-password", "203.0.113.5")).StatusCode);
        var sameClient = await LoginAsync(http, TestServer.AdminPassword, "203.0.113.5");
        var otherClient = await LoginAsync(http, TestServer.AdminPassword, "203.0.113.6");

        Assert.Equal(HttpStatusCode.TooManyRequests, sameClient.StatusCode);
        Assert.Equal(HttpStatusCode.OK, otherClient.StatusCode);
    }

    [Theory]
    [InlineData("10.0.0.1/8", "not a CIDR network")]
    [InlineData("proxy.internal", "must be an IP address or a CIDR network")]
    public void ABadEntry_IsRefusedNamingTheSetting(string value, string reason)
    {
        var error = Assert.Throws<InvalidOperationException>(() => new ServerOptions { TrustedProxies = value }.TrustedProxyNetworks());

        Assert.Contains("SCOUTER_TRUSTED_PROXIES", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    /// <summary>The Set-Cookie headers of a browser login sent with <c>X-Forwarded-Proto</c>.</summary>
    private static async Task<List<string>> SessionCookiesAsync(TestServer server, string forwardedProto)
    {
        using var browser = new TestBrowser(server);
        browser.Headers["X-Forwarded-Proto"] = forwardedProto;
        using var response = await browser.LoginAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return browser.LastSetCookies;
    }

    private static async Task<HttpResponseMessage> LoginAsync(HttpClient http, string password, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/token")
        {
            Content = JsonContent.Create(new TokenRequest { Username = "admin", Password = password }, options: ApiJson.Options),
        };
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return await http.SendAsync(request, Ct);
    }
}
