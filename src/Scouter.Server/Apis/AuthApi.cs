using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Scouter.Server.Auth;
using Scouter.Server.Storage;

namespace Scouter.Server.Apis;

/// <summary><c>POST /auth/token</c> and <c>POST /auth/refresh</c> (anonymous).</summary>
internal static class AuthApi
{
    /// <summary>Maps the token endpoints.</summary>
    public static RouteGroupBuilder MapTokenApi(this RouteGroupBuilder api)
    {
        var auth = api.MapGroup("/auth").AllowAnonymous().WithTags("auth");
        auth.MapPost("/token", IssueAsync).WithName("IssueToken").Accepts<TokenRequest>("application/json");
        auth.MapPost("/refresh", RefreshAsync).WithName("RefreshToken").Accepts<RefreshRequest>("application/json");
        return api;
    }

    internal static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> IssueAsync(HttpContext context, TokenService tokens, CancellationToken ct)
    {
        var (response, problem) = await LoginAsync(context, tokens, ct);
        return problem is null ? TypedResults.Ok(response!) : problem;
    }

    internal static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> RefreshAsync(HttpContext context, TokenService tokens, CancellationToken ct)
    {
        var (request, problem) = await ApiBody.ReadAsync<RefreshRequest>(context.Request, ct);
        if (problem is not null) return problem;
        if (string.IsNullOrEmpty(request!.RefreshToken)) return Problems.Validation("invalid_request", "refresh_token", "refresh_token is required.");
        var (response, refused) = await RotateAsync(context, tokens, request.RefreshToken, ct);
        return refused is null ? TypedResults.Ok(response!) : refused;
    }

    /// <summary>The password login both <c>/auth/token</c> and the browser session use: body rules, throttling and the refusals.</summary>
    internal static async Task<(TokenResponse? Tokens, ProblemHttpResult? Problem)> LoginAsync(HttpContext context, TokenService tokens, CancellationToken ct)
    {
        var (request, problem) = await ApiBody.ReadAsync<TokenRequest>(context.Request, ct);
        if (problem is not null) return (null, problem);
        if (string.IsNullOrEmpty(request!.Username)) return (null, Problems.Validation("invalid_request", "username", "username is required."));
        if (AuthValidation.UserName(request.Username, "username") is { } badName) return (null, badName);
        if (string.IsNullOrEmpty(request.Password)) return (null, Problems.Validation("invalid_request", "password", "password is required."));
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var (outcome, response, retryAfter) = await tokens.LoginAsync(request.Username, request.Password, address, ct);
        NoStore(context);
        switch (outcome)
        {
            case LoginOutcome.Success:
                return (response!, null);
            case LoginOutcome.Throttled:
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                return (null, Problems.Create(StatusCodes.Status429TooManyRequests, "too_many_login_attempts",
                    "Too many failed logins for this user from this address; try again later.", extra: new Dictionary<string, object?> { ["retry_after"] = seconds }));
            default:
                return (null, Problems.Create(StatusCodes.Status401Unauthorized, "invalid_credentials", "Unknown user name or wrong password."));
        }
    }

    /// <summary>The refresh-token rotation both <c>/auth/refresh</c> and the browser session use.</summary>
    internal static async Task<(TokenResponse? Tokens, ProblemHttpResult? Problem)> RotateAsync(HttpContext context, TokenService tokens, string refreshToken, CancellationToken ct)
    {
        var (outcome, response) = await tokens.RefreshAsync(refreshToken, ct);
        NoStore(context);
        return outcome switch
        {
            RefreshOutcome.Rotated => (response!, null),
            RefreshOutcome.Reused => (null, Problems.Create(StatusCodes.Status401Unauthorized, "refresh_token_reused",
                "This refresh token was already used; every token from the same login has been revoked. Log in again.")),
            _ => (null, Problems.Create(StatusCodes.Status401Unauthorized, "invalid_refresh_token", "The refresh token is unknown, expired or revoked. Log in again.")),
        };
    }

    private static void NoStore(HttpContext context) => context.Response.Headers.CacheControl = "no-store";
}
