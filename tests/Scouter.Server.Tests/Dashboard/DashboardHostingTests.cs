using System.IO.Compression;
using System.Net;
using Scouter.Server.Dashboard;
using Scouter.Server.Tests.Fixtures;
using Xunit;

namespace Scouter.Server.Tests.Dashboard;

/// <summary>
/// The embedded dashboard as the server serves it: redirects, deep links, caching, compression,
/// security headers, and the routes that must never fall back to the app's HTML.
/// </summary>
public class DashboardHostingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static HttpClient Anonymous(TestServer server, bool gzip = false)
    {
        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = new Uri(server.Url) };
        if (gzip) client.DefaultRequestHeaders.Add("Accept-Encoding", "gzip");
        return client;
    }

    /// <summary>The hashed script index.html loads, read from the embedded index itself.</summary>
    private static string ScriptPath(string indexHtml)
    {
        var match = System.Text.RegularExpressions.Regex.Match(indexHtml, "<script[^>]*src=\"?(/ui/assets/[^\" >]+\\.js)");
        Assert.True(match.Success, "index.html loads no /ui/assets/*.js script");
        return match.Groups[1].Value;
    }

    [Fact]
    public async Task Root_RedirectsToTheDashboard_AndDeepLinksServeTheAppWithStrictHeaders()
    {
        await using var server = await TestServer.StartAsync();
        using var client = Anonymous(server);

        using var root = await client.GetAsync("/", Ct);
        Assert.Equal(HttpStatusCode.Redirect, root.StatusCode);
        Assert.Equal("/ui/", root.Headers.Location!.OriginalString);

        using var index = await client.GetAsync("/ui/", Ct);
        var html = await index.Content.ReadAsStringAsync(Ct);
        foreach (var deepLink in new[] { "/ui/profiles/0199a1b2-0000-7000-8000-000000000001?range=7d", "/ui/alerts", "/ui/login" })
        {
            using var page = await client.GetAsync(deepLink, Ct);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
            Assert.Equal(html, await page.Content.ReadAsStringAsync(Ct));
            Assert.Equal("no-store", page.Headers.CacheControl!.ToString());
            Assert.Equal(DashboardEndpoints.ContentSecurityPolicy, page.Headers.GetValues("Content-Security-Policy").Single());
            Assert.Contains("default-src 'self'", DashboardEndpoints.ContentSecurityPolicy, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-inline", DashboardEndpoints.ContentSecurityPolicy, StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", DashboardEndpoints.ContentSecurityPolicy, StringComparison.Ordinal);
            Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("no-referrer", page.Headers.GetValues("Referrer-Policy").Single());
        }
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal); // no inline script: only src= tags
    }

    [Fact]
    public async Task HashedAssets_AreCachedImmutably_Gzipped_AndRevalidatedByETag()
    {
        await using var server = await TestServer.StartAsync();
        using var plain = Anonymous(server);
        using var gzip = Anonymous(server, gzip: true);
        var script = ScriptPath(await plain.GetStringAsync("/ui/", Ct));

        using var raw = await plain.GetAsync(script, Ct);
        using var compressed = await gzip.GetAsync(script, Ct);

        Assert.Equal(HttpStatusCode.OK, raw.StatusCode);
        Assert.Equal("public, max-age=31536000, immutable", raw.Headers.CacheControl!.ToString().Replace(", ", ",", StringComparison.Ordinal).Replace(",", ", ", StringComparison.Ordinal));
        Assert.Equal("text/javascript", raw.Content.Headers.ContentType!.MediaType);
        Assert.Equal("gzip", Assert.Single(compressed.Content.Headers.ContentEncoding));
        var rawBytes = await raw.Content.ReadAsByteArrayAsync(Ct);
        await using var unzip = new GZipStream(await compressed.Content.ReadAsStreamAsync(Ct), CompressionMode.Decompress);
        using var unzipped = new MemoryStream();
        await unzip.CopyToAsync(unzipped, Ct);
        Assert.Equal(rawBytes, unzipped.ToArray());

        using var conditional = new HttpRequestMessage(HttpMethod.Get, script);
        conditional.Headers.TryAddWithoutValidation("If-None-Match", raw.Headers.ETag!.ToString());
        using var notModified = await plain.SendAsync(conditional, Ct);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
    }

    [Theory]
    [InlineData("/ui/assets/missing-0000.js")]
    [InlineData("/ui/favicon-that-does-not-exist.png")]
    [InlineData("/api/v1/no-such-route")]
    [InlineData("/api/v1/profiles/")]
    [InlineData("/openapi/v2.json")]
    [InlineData("/metrics-nope")]
    [InlineData("/healthzz")]
    public async Task FilesAndRoutesOutsideTheApp_NeverFallBackToHtml(string path)
    {
        await using var server = await TestServer.StartAsync();
        using var client = Anonymous(server);

        using var response = await client.GetAsync(path, Ct);

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ApiAndHealth_AnswerJsonWhileTheAppIsServed()
    {
        await using var server = await TestServer.StartAsync();
        using var client = Anonymous(server);

        using var health = await client.GetAsync("/healthz", Ct);
        using var openApi = await client.GetAsync("/openapi/v1.json", Ct);
        using var me = await client.GetAsync("/api/v1/me", Ct);

        Assert.Equal(("application/json", HttpStatusCode.OK), (health.Content.Headers.ContentType!.MediaType, health.StatusCode));
        Assert.Equal(("application/json", HttpStatusCode.OK), (openApi.Content.Headers.ContentType!.MediaType, openApi.StatusCode));
        Assert.Equal(("application/problem+json", HttpStatusCode.Unauthorized), (me.Content.Headers.ContentType!.MediaType, me.StatusCode));
    }
}
