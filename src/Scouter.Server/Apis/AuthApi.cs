using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Scouter.Server.Auth;
using Scouter.Server.Storage;

namespace Scouter.Server.Apis;

/// <summary><c>POST /auth/token</c> and <c>POST /auth/refresh</c> (anonymous).</summary>
public static class AuthApi
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
        var (request, problem) = await ApiBody.ReadAsync<TokenRequest>(context.Request, ct);
        if (problem is not null) return problem;
        if (string.IsNullOrEmpty(request!.Username)) return Problems.Validation("invalid_request", "username", "username is required.");
        if (AuthValidation.UserName(request.Username, "username") is { } badName) return badName;
        if (string.IsNullOrEmpty(request.Password)) return Problems.Validation("invalid_request", "password", "password is required.");
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var (outcome, response, retryAfter) = await tokens.LoginAsync(request.Username, request.Password, address, ct);
        NoStore(context);
        switch (outcome)
        {
            case LoginOutcome.Success:
                return TypedResults.Ok(response!);
            case LoginOutcome.Throttled:
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                return Problems.Create(StatusCodes.Status429TooManyRequests, "too_many_login_attempts",
                    "Too many failed logins for this user from this address; try again later.", extra: new Dictionary<string, object?> { ["retry_after"] = seconds });
            default:
                return Problems.Create(StatusCodes.Status401Unauthorized, "invalid_credentials", "Unknown user name or wrong password.");
        }
    }

    internal static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> RefreshAsync(HttpContext context, TokenService tokens, CancellationToken ct)
    {
        var (request, problem) = await ApiBody.ReadAsync<RefreshRequest>(context.Request, ct);
        if (problem is not null) return problem;
        if (string.IsNullOrEmpty(request!.RefreshToken)) return Problems.Validation("invalid_request", "refresh_token", "refresh_token is required.");
        var (outcome, response) = await tokens.RefreshAsync(request.RefreshToken, ct);
        NoStore(context);
        return outcome switch
        {
            RefreshOutcome.Rotated => TypedResults.Ok(response!),
            RefreshOutcome.Reused => Problems.Create(StatusCodes.Status401Unauthorized, "refresh_token_reused",
                "This refresh token was already used; every token from the same login has been revoked. Log in again."),
            _ => Problems.Create(StatusCodes.Status401Unauthorized, "invalid_refresh_token", "The refresh token is unknown, expired or revoked. Log in again."),
        };
    }

    private static void NoStore(HttpContext context) => context.Response.Headers.CacheControl = "no-store";
}
