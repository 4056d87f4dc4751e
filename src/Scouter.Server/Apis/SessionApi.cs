using Microsoft.AspNetCore.Http.HttpResults;
using Scouter.Server.Auth;

namespace Scouter.Server.Apis;

/// <summary>
/// The browser session on the same tokens as <c>/auth/token</c>, carried in HttpOnly cookies
/// (<see cref="SessionCookies"/>): <c>POST /auth/session</c> logs in, <c>POST /auth/session/refresh</c>
/// rotates, <c>DELETE /auth/session</c> logs out and revokes the login. Every call needs the CSRF
/// header and a same-origin <c>Origin</c> (<see cref="CsrfGuard"/>).
/// </summary>
internal static class SessionApi
{
    /// <summary>Maps the session endpoints.</summary>
    public static RouteGroupBuilder MapSessionApi(this RouteGroupBuilder api)
    {
        var session = api.MapGroup("/auth/session").AllowAnonymous().WithTags("auth");
        session.MapPost("/", LoginAsync).WithName("StartSession").Accepts<TokenRequest>("application/json");
        session.MapPost("/refresh", RefreshAsync).WithName("RefreshSession");
        session.MapDelete("/", LogoutAsync).WithName("EndSession");
        return api;
    }

    internal static async Task<Results<Ok<SessionResponse>, ProblemHttpResult>> LoginAsync(HttpContext context, TokenService tokens, CancellationToken ct)
    {
        var (response, problem) = await AuthApi.LoginAsync(context, tokens, ct);
        if (problem is not null) return problem;
        return Started(context, response!);
    }

    internal static async Task<Results<Ok<SessionResponse>, ProblemHttpResult>> RefreshAsync(HttpContext context, TokenService tokens, CancellationToken ct)
    {
        if (SessionCookies.RefreshToken(context.Request) is not { } refresh)
            return Problems.Create(StatusCodes.Status401Unauthorized, "no_session", "There is no session to refresh; log in.");
        var (response, problem) = await AuthApi.RotateAsync(context, tokens, refresh, ct);
        if (problem is null) return Started(context, response!);
        SessionCookies.Clear(context);
        return problem;
    }

    internal static async Task<NoContent> LogoutAsync(HttpContext context, TokenService tokens, CancellationToken ct)
    {
        if (SessionCookies.RefreshToken(context.Request) is { } refresh) await tokens.LogoutAsync(refresh, ct);
        SessionCookies.Clear(context);
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.NoContent();
    }

    private static Ok<SessionResponse> Started(HttpContext context, TokenResponse tokens)
    {
        SessionCookies.Write(context, tokens);
        var user = TokenService.SubjectOf(tokens.AccessToken);
        return TypedResults.Ok(new SessionResponse(user, tokens.ExpiresIn));
    }
}

/// <summary>A started or refreshed browser session (the tokens are in cookies only).</summary>
/// <param name="User">The user name.</param>
/// <param name="ExpiresIn">Seconds until the access cookie's token expires (refresh before).</param>
internal sealed record SessionResponse(string User, int ExpiresIn);
