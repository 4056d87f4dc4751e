using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scouter.Server.Auth;

namespace Scouter.Server.Tests.Fixtures;

/// <summary>
/// Test authentication for the jobs/alerts routes until the auth slice is merged: every request is
/// authenticated as user "tester", a global admin — unless it carries <see cref="GrantsHeader"/>
/// (<c>space=role,space2=role</c>), which makes it a plain user with just those grants.
/// Swap for real tokens at merge.
/// </summary>
internal static class JobsTestAuth
{
    public const string Scheme = "JobsTest";
    public const string GrantsHeader = "X-Test-Grants";

    public static void Add(IServiceCollection services) =>
        services.AddAuthentication(Scheme).AddScheme<AuthenticationSchemeOptions, Handler>(Scheme, _ => { });

    private sealed class Handler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            var claims = new List<Claim> { new(ClaimTypes.Name, "tester") };
            if (Request.Headers.TryGetValue(GrantsHeader, out var grants))
            {
                foreach (var grant in grants.ToString().Split(',', StringSplitOptions.RemoveEmptyEntries)) claims.Add(new Claim(SpaceAccess.SpaceClaim, grant.Trim()));
            }
            else
            {
                claims.Add(new Claim(SpaceAccess.GlobalRoleClaim, "admin"));
            }
            var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, JobsTestAuth.Scheme));
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, JobsTestAuth.Scheme)));
        }
    }
}
