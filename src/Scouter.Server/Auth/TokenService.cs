using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Scouter.Server.Storage;

namespace Scouter.Server.Auth;

/// <summary>Outcome of a password login.</summary>
internal enum LoginOutcome
{
    /// <summary>Tokens issued.</summary>
    Success,

    /// <summary>Unknown user, wrong password or disabled user (indistinguishable to the caller).</summary>
    InvalidCredentials,

    /// <summary>Too many recent failures for this user and address.</summary>
    Throttled,
}

/// <summary>Password logins, access-token minting and refresh-token rotation.</summary>
internal sealed class TokenService(UserStore users, RefreshTokenStore refreshTokens, SigningKeyProvider keys, LoginThrottle throttle, UserSessions sessions, TimeProvider time, ILogger<TokenService> logger)
{
    public const string Issuer = "scouter";
    public const string Audience = "scouter-api";
    public static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromHours(1);
    public static readonly TimeSpan RefreshTokenLifetime = TimeSpan.FromDays(30);

    private static readonly PasswordHasher<UserRecord> Hasher = new();

    // Verified against when the user does not exist, so unknown names cost the same time as wrong passwords.
    private static readonly Lazy<string> DummyHash = new(() => Hasher.HashPassword(null!, Secrets.RandomPassword()));

    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public static string HashPassword(string password) => Hasher.HashPassword(null!, password);

    public async Task<(LoginOutcome Outcome, TokenResponse? Tokens, TimeSpan RetryAfter)> LoginAsync(string username, string password, string address, CancellationToken ct)
    {
        if (throttle.RetryAfter(username, address) is { } wait)
        {
            AuthLog.LoginThrottled(logger, username, address);
            return (LoginOutcome.Throttled, null, wait);
        }
        var user = await users.GetUserAsync(username, ct);
        var result = Hasher.VerifyHashedPassword(user!, user?.PasswordHash ?? DummyHash.Value, password);
        if (user is null || user.Disabled || result == PasswordVerificationResult.Failed)
        {
            throttle.Failed(username, address);
            AuthLog.LoginFailed(logger, username, address);
            return (LoginOutcome.InvalidCredentials, null, TimeSpan.Zero);
        }
        throttle.Succeeded(username, address);
        if (result == PasswordVerificationResult.SuccessRehashNeeded)
            await users.UpdatePasswordHashAsync(user.Name, HashPassword(password), ct);

        var refresh = Secrets.RandomToken();
        var family = Secrets.NewId();
        var now = time.GetUtcNow();
        // The user may have been deleted while the password was verified: then there is no one to log in.
        if (!await refreshTokens.InsertRefreshTokenAsync(Secrets.Hash(refresh), family, user.Name, now, now + RefreshTokenLifetime, ct))
            return (LoginOutcome.InvalidCredentials, null, TimeSpan.Zero);
        return (LoginOutcome.Success, Issue(user, family, refresh, now), TimeSpan.Zero);
    }

    public async Task<(RefreshOutcome Outcome, TokenResponse? Tokens)> RefreshAsync(string refreshToken, CancellationToken ct)
    {
        var next = Secrets.RandomToken();
        var now = time.GetUtcNow();
        var (outcome, user, family) = await refreshTokens.RotateRefreshTokenAsync(Secrets.Hash(refreshToken), Secrets.Hash(next), now, now + RefreshTokenLifetime, ct);
        if (outcome == RefreshOutcome.Reused)
        {
            AuthLog.RefreshReused(logger);
            sessions.LoggedOut(family!);
        }
        return outcome == RefreshOutcome.Rotated ? (outcome, Issue(user!, family!, next, now)) : (outcome, null);
    }

    /// <summary>Logs out: revokes every token of <paramref name="refreshToken"/>'s login, access tokens included (their <c>sid</c>).</summary>
    public async Task LogoutAsync(string refreshToken, CancellationToken ct)
    {
        if (await refreshTokens.RevokeFamilyOfAsync(Secrets.Hash(refreshToken), time.GetUtcNow(), ct) is { } login) sessions.LoggedOut(login);
    }

    private TokenResponse Issue(UserRecord user, string family, string refreshToken, DateTimeOffset now)
    {
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + AccessTokenLifetime).UtcDateTime,
            Subject = new ClaimsIdentity(UserClaims(user).Append(new Claim(UserSessions.LoginClaim, family))),
            SigningCredentials = new SigningCredentials(keys.Key, SecurityAlgorithms.HmacSha256),
        };
        return new TokenResponse(_handler.CreateToken(descriptor), "bearer", (int)AccessTokenLifetime.TotalSeconds, refreshToken);
    }

    /// <summary>
    /// The claims of a user's access token: <c>sub</c>, <c>jti</c>, the security stamp
    /// (<see cref="UserSessions"/>) and the <see cref="SpaceAccess"/> claims.
    /// </summary>
    public static IEnumerable<Claim> UserClaims(UserRecord user)
    {
        yield return new Claim(JwtRegisteredClaimNames.Sub, user.Name);
        yield return new Claim(JwtRegisteredClaimNames.Jti, Secrets.NewId());
        yield return new Claim(UserSessions.StampClaim, user.SecurityStamp);
        yield return new Claim(SpaceAccess.KindClaim, "user");
        if (user.GlobalRole == GlobalRole.Admin) yield return new Claim(SpaceAccess.GlobalRoleClaim, "admin");
        foreach (var (space, role) in user.Spaces) yield return new Claim(SpaceAccess.SpaceClaim, SpaceAccess.Grant(space, role));
    }

    /// <summary>The user name (<c>sub</c>) of an access token this service minted.</summary>
    public static string SubjectOf(string accessToken) => new JsonWebToken(accessToken).Subject;

    /// <summary>Lifetime check against the injected clock (the token handler's own check reads the system clock).</summary>
    public bool ValidateLifetime(DateTime? notBefore, DateTime? expires, TimeSpan skew)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (notBefore is { } nbf && nbf > now + skew) throw new SecurityTokenNotYetValidException("The token is not valid yet.");
        if (expires is not { } exp || exp <= now - skew) throw new SecurityTokenExpiredException("The token has expired.") { Expires = expires ?? DateTime.MinValue };
        return true;
    }
}
