using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Scouter.Server;
using Scouter.Server.Apis;
using Scouter.Server.Auth;
using Scouter.Server.Storage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Authentication (JWT, API keys), authorization and the auth/users/api-keys routes.</summary>
internal static class AuthExtensions
{
    /// <summary>
    /// Registers authentication and the auth services: a policy scheme (<see cref="ScouterPolicies.Scheme"/>)
    /// forwarding to the API-key handler when the request carries an <c>sk_scouter_</c> key and to JWT
    /// bearer otherwise; the default and fallback authorization policies require an authenticated caller.
    /// Throws when <see cref="ServerOptions.JwtSecret"/> is shorter than 32 bytes or
    /// <see cref="ServerOptions.AdminPassword"/> shorter than 8 characters, so the server refuses to start.
    /// </summary>
    public static IServiceCollection AddScouterAuth(this IServiceCollection services, ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        SigningKeyProvider.Validate(options.JwtSecret);
        if (!string.IsNullOrEmpty(options.AdminPassword) && options.AdminPassword.Length < AuthValidation.MinPasswordLength)
            throw new InvalidOperationException($"SCOUTER_ADMIN_PASSWORD must be at least {AuthValidation.MinPasswordLength} characters; refusing to start.");
        if (services.Any(d => d.ServiceType == typeof(AuthDb))) return services;

        services.TryAddSingleton<AuthDb>();
        services.TryAddSingleton<UserStore>();
        services.TryAddSingleton<RefreshTokenStore>();
        services.TryAddSingleton<ApiKeyStore>();
        services.TryAddSingleton<SecretStore>();
        services.TryAddSingleton<SigningKeyProvider>();
        services.TryAddSingleton<LoginThrottle>();
        services.TryAddSingleton<TokenService>();
        services.TryAddSingleton<ApiKeyValidator>();
        services.TryAddSingleton<UserSessions>();
        services.AddHostedService<AuthStartupService>();

        services.AddAuthentication(ScouterPolicies.Scheme)
            .AddPolicyScheme(ScouterPolicies.Scheme, "Access token or API key", o =>
                o.ForwardDefaultSelector = context => ApiKeyAuthenticationHandler.PresentedKey(context.Request) is null
                    ? JwtBearerDefaults.AuthenticationScheme
                    : ApiKeyAuthenticationHandler.SchemeName)
            .AddJwtBearer()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);

        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<SigningKeyProvider, TokenService>((o, keys, tokens) =>
            {
                o.MapInboundClaims = false;
                o.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = TokenService.Issuer,
                    ValidAudience = TokenService.Audience,
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    IssuerSigningKeyResolver = (_, _, _, _) => [keys.Key],
                    LifetimeValidator = (notBefore, expires, _, parameters) => tokens.ValidateLifetime(notBefore, expires, parameters.ClockSkew),
                    ClockSkew = TimeSpan.FromSeconds(30),
                    NameClaimType = JwtRegisteredClaimNames.Sub,
                    RoleClaimType = SpaceAccess.GlobalRoleClaim,
                };
                o.Events = new JwtBearerEvents
                {
                    // The browser session: the access token from its HttpOnly cookie when no Authorization header is sent
                    // (CsrfGuard has checked unsafe requests that rely on it).
                    OnMessageReceived = context =>
                    {
                        if (context.Request.Headers.Authorization.Count == 0) context.Token = SessionCookies.AccessToken(context.Request);
                        return Task.CompletedTask;
                    },
                    OnTokenValidated = async context =>
                    {
                        var sessions = context.HttpContext.RequestServices.GetRequiredService<UserSessions>();
                        if (await sessions.CurrentAsync(context.Principal!, context.HttpContext.RequestAborted) is { } current) context.Principal = current;
                        else context.Fail(new AccessRevokedException());
                    },
                    OnChallenge = context =>
                    {
                        context.HandleResponse();
                        var (code, detail) = context.AuthenticateFailure switch
                        {
                            null => ("unauthorized", AuthProblems.NoCredentials),
                            SecurityTokenExpiredException => ("token_expired", "The access token has expired; refresh it or log in again."),
                            AccessRevokedException => ("token_revoked", "The access token no longer grants access: its user was deleted or disabled, or changed password; log in again."),
                            _ => ("invalid_token", "The access token is invalid."),
                        };
                        return AuthProblems.WriteUnauthorizedAsync(context.HttpContext, code, detail);
                    },
                    OnForbidden = context => AuthProblems.WriteForbiddenAsync(context.HttpContext),
                };
            });

        services.AddAuthorizationBuilder()
            .SetDefaultPolicy(new AuthorizationPolicyBuilder(ScouterPolicies.Scheme).RequireAuthenticatedUser().Build())
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(ScouterPolicies.Scheme).RequireAuthenticatedUser().Build())
            .AddPolicy(ScouterPolicies.GlobalAdmin, p => p.AddAuthenticationSchemes(ScouterPolicies.Scheme).RequireAuthenticatedUser().RequireClaim(SpaceAccess.GlobalRoleClaim, "admin"));
        return services;
    }

    /// <summary>Adds the authentication and authorization middleware.</summary>
    public static WebApplication UseScouterAuth(this WebApplication app)
    {
        app.Use(CsrfGuard.InvokeAsync);
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    /// <summary>Maps <c>/auth</c> (tokens and the browser session), <c>/me</c>, <c>/users</c> and <c>/api-keys</c>.</summary>
    public static RouteGroupBuilder MapAuthApi(this RouteGroupBuilder api) =>
        api.MapTokenApi().MapSessionApi().MapMeApi().MapUsersApi().MapApiKeysApi();
}
