using Microsoft.Net.Http.Headers;
using Scouter.Server.Apis;

namespace Scouter.Server.Dashboard;

/// <summary>
/// Serves the dashboard: <c>/</c> redirects to <c>/ui/</c>; files under <c>/ui/</c> as built (hashed
/// <c>assets/</c> cached for a year, immutable); every other <c>/ui/…</c> deep link gets
/// <c>index.html</c> (never cached), so the app's own router shows the page. A missing file under
/// <c>assets/</c> or with an extension is a 404, not HTML. API, OpenAPI, metrics and health routes
/// are outside <c>/ui/</c> and never fall back to the app. Every answer here carries the strict
/// security headers (<see cref="SecurityHeaders"/>).
/// </summary>
internal static class DashboardEndpoints
{
    /// <summary>The Content-Security-Policy of dashboard pages: only this server's scripts, styles and API; no inline code; no framing.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>Maps <c>/</c> and <c>/ui/{**path}</c> (<c>/ui</c> redirects to <c>/ui/</c>) (anonymous: the app's login page is public, its data is not).</summary>
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => TypedResults.Redirect("/ui/")).AllowAnonymous().ExcludeFromDescription();
        app.MapMethods("/ui/{**path}", [HttpMethods.Get, HttpMethods.Head], Serve).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    internal static IResult Serve(HttpContext context, string? path)
    {
        SecurityHeaders(context.Response);
        // The app's URLs all start with /ui/ (its router and relative links rely on the slash).
        if (!context.Request.Path.Value!.EndsWith('/') && string.IsNullOrEmpty(path)) return TypedResults.Redirect("/ui/");
        var assets = DashboardAssets.Instance;
        if (!assets.Built)
            return Problems.Create(StatusCodes.Status404NotFound, "dashboard_not_built", "This server was built without the dashboard (ScouterSkipDashboard); the API is unaffected.");
        path ??= string.Empty;
        var asset = assets.Find(path);
        if (asset is null)
        {
            var last = path[(path.LastIndexOf('/') + 1)..];
            if (path.StartsWith("assets/", StringComparison.Ordinal) || last.Contains('.', StringComparison.Ordinal))
                return Problems.Create(StatusCodes.Status404NotFound, "not_found", $"The dashboard has no file '{Clip(path)}'.");
            asset = assets.Find("index.html")!;
        }
        var headers = context.Response.Headers;
        headers.CacheControl = asset.Path.StartsWith("assets/", StringComparison.Ordinal) ? "public, max-age=31536000, immutable" : "no-store";
        headers.ETag = asset.ETag;
        headers.Vary = HeaderNames.AcceptEncoding;
        if (context.Request.Headers.IfNoneMatch.ToString() == asset.ETag) return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        var gzip = AcceptsGzip(context.Request);
        if (gzip) headers.ContentEncoding = "gzip";
        return TypedResults.Bytes(gzip ? asset.Gzip : asset.Content, asset.ContentType);
    }

    /// <summary>The headers every dashboard answer carries.</summary>
    internal static void SecurityHeaders(HttpResponse response)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
    }

    private static bool AcceptsGzip(HttpRequest request)
    {
        foreach (var value in request.Headers.AcceptEncoding)
        {
            if (value is null) continue;
            foreach (var part in value.Split(','))
            {
                var token = part.Trim();
                if (token.StartsWith("gzip", StringComparison.OrdinalIgnoreCase) && !token.Replace(" ", "", StringComparison.Ordinal).EndsWith(";q=0", StringComparison.Ordinal)) return true;
            }
        }
        return false;
    }

    private static string Clip(string value) => value.Length <= 200 ? value : value[..200] + "…";
}
