namespace Scouter.Server.Auth;

/// <summary>
/// The browser session's cookies: the access token (every path, sent with API calls) and the refresh
/// token (only to the session endpoints). Both HttpOnly and SameSite=Strict, Secure when the request
/// came over HTTPS, so page scripts never see a token.
/// </summary>
internal static class SessionCookies
{
    public const string Access = "scouter_access";
    public const string Refresh = "scouter_refresh";
    public const string RefreshPath = "/api/v1/auth/session";

    /// <summary>Whether the request carries a session cookie (then the CSRF rules apply to it).</summary>
    public static bool Present(HttpRequest request) => request.Cookies.ContainsKey(Access) || request.Cookies.ContainsKey(Refresh);

    public static string? RefreshToken(HttpRequest request) => request.Cookies.TryGetValue(Refresh, out var value) && !string.IsNullOrEmpty(value) ? value : null;

    public static string? AccessToken(HttpRequest request) => request.Cookies.TryGetValue(Access, out var value) && !string.IsNullOrEmpty(value) ? value : null;

    public static void Write(HttpContext context, TokenResponse tokens)
    {
        context.Response.Cookies.Append(Access, tokens.AccessToken, Options(context, "/", TokenService.AccessTokenLifetime));
        context.Response.Cookies.Append(Refresh, tokens.RefreshToken, Options(context, RefreshPath, TokenService.RefreshTokenLifetime));
    }

    public static void Clear(HttpContext context)
    {
        context.Response.Cookies.Delete(Access, Options(context, "/", TimeSpan.Zero));
        context.Response.Cookies.Delete(Refresh, Options(context, RefreshPath, TimeSpan.Zero));
    }

    private static CookieOptions Options(HttpContext context, string path, TimeSpan lifetime) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = context.Request.IsHttps,
        Path = path,
        MaxAge = lifetime > TimeSpan.Zero ? lifetime : null,
        IsEssential = true,
    };
}
