using Scouter.Server.Apis;

namespace Scouter.Server.Auth;

/// <summary>
/// Cross-site request forgery guard for the browser session. An unsafe request (not GET/HEAD/OPTIONS)
/// that a session cookie could authenticate — it carries one and no bearer token or API key — and
/// every call of the session endpoints must send <see cref="HeaderName"/> (a cross-site form cannot,
/// and a cross-site script cannot without a CORS preflight this server never grants) and an
/// <c>Origin</c> naming this server. Bearer and API-key clients are not affected.
/// </summary>
internal static class CsrfGuard
{
    public const string HeaderName = "X-Scouter-Csrf";

    public static async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        var request = context.Request;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && !HttpMethods.IsOptions(request.Method)
            && (SessionEndpoint(request) || (SessionCookies.Present(request) && !HasOtherCredentials(request)))
            && Refusal(request) is { } detail)
        {
            await Problems.Create(StatusCodes.Status403Forbidden, "csrf_failed", detail).ExecuteAsync(context);
            return;
        }
        await next();
    }

    private static bool SessionEndpoint(HttpRequest request) => request.Path.StartsWithSegments(SessionCookies.RefreshPath, StringComparison.OrdinalIgnoreCase);

    private static bool HasOtherCredentials(HttpRequest request) =>
        request.Headers.Authorization.Count > 0 || ApiKeyAuthenticationHandler.PresentedKey(request) is not null;

    private static string? Refusal(HttpRequest request)
    {
        if (string.IsNullOrEmpty(request.Headers[HeaderName].ToString()))
            return $"A request authenticated by the session cookie must send the {HeaderName} header (the dashboard does); other clients use a bearer token or an API key.";
        var origin = request.Headers.Origin.ToString();
        if (string.IsNullOrEmpty(origin)) return "A request authenticated by the session cookie must send an Origin header naming this server.";
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || !string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase))
            return $"Origin '{Truncate(origin)}' is not this server ('{Truncate(request.Host.Value ?? string.Empty)}'); cross-site requests cannot use the session cookie.";
        return null;
    }

    private static string Truncate(string value) => value.Length <= 200 ? value : value[..200] + "…";
}
