using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Scouter.Server.Auth;

/// <summary>Authenticates <c>X-Scouter-Api-Key: sk_scouter_…</c> or <c>Authorization: Bearer sk_scouter_…</c>.</summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory loggerFactory, UrlEncoder encoder, ApiKeyValidator validator)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Scouter-Api-Key";

    /// <summary>The API key the request carries, if any.</summary>
    public static string? PresentedKey(HttpRequest request)
    {
        if (request.Headers.TryGetValue(HeaderName, out var header)) return header.ToString().Trim();
        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer " + Secrets.ApiKeyPrefix, StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : null;
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = PresentedKey(Request);
        if (presented is null) return AuthenticateResult.NoResult();
        var principal = await validator.AuthenticateAsync(presented, Scheme.Name, Context.RequestAborted);
        return principal is null
            ? AuthenticateResult.Fail("Invalid API key.")
            : AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        PresentedKey(Request) is null
            ? AuthProblems.WriteUnauthorizedAsync(Context, "unauthorized", AuthProblems.NoCredentials)
            : AuthProblems.WriteUnauthorizedAsync(Context, "invalid_api_key", "The API key is unknown, revoked or expired.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) => AuthProblems.WriteForbiddenAsync(Context);
}
