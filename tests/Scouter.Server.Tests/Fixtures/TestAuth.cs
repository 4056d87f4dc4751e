using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scouter.Server.Auth;

namespace Scouter.Server.Tests.Fixtures;

/// <summary>
/// Test authentication for the data-route tests (<see cref="DataTestServer"/>): every request is
/// authenticated as a global admin, unless it carries <c>X-Test-Grants: space=role,...</c>, which
/// authenticates it with exactly those space grants, or <c>X-Test-Anonymous: 1</c>, which leaves it
/// unauthenticated. Real authentication of the same routes is covered by RouteAuthorizationTests;
/// moving these tests onto <see cref="TestServer"/> is a pending clean-up.
/// </summary>
public static class TestAuth
{
    public const string Scheme = "Test";
    public const string GrantsHeader = "X-Test-Grants";
    public const string AnonymousHeader = "X-Test-Anonymous";

    public static IServiceCollection AddTestAuth(this IServiceCollection services)
    {
        services.AddAuthentication(o =>
        {
            o.DefaultScheme = Scheme;
            o.DefaultAuthenticateScheme = Scheme;
            o.DefaultChallengeScheme = Scheme;
        }).AddScheme<AuthenticationSchemeOptions, Handler>(Scheme, _ => { });
        services.AddAuthorization(o =>
        {
            o.DefaultPolicy = new AuthorizationPolicyBuilder(Scheme).RequireAuthenticatedUser().Build();
        });
        return services;
    }

    private sealed class Handler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (Request.Headers.ContainsKey(AnonymousHeader)) return Task.FromResult(AuthenticateResult.NoResult());
            var claims = new List<Claim> { new(ClaimTypes.Name, "tester"), new(SpaceAccess.KindClaim, "user") };
            if (Request.Headers.TryGetValue(GrantsHeader, out var grants))
            {
                foreach (var grant in grants.ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    claims.Add(new Claim(SpaceAccess.SpaceClaim, grant));
            }
            else
            {
                claims.Add(new Claim(SpaceAccess.GlobalRoleClaim, "admin"));
            }
            var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, TestAuth.Scheme));
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, TestAuth.Scheme)));
        }
    }
}
