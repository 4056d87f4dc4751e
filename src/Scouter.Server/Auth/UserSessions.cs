using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Scouter.Server.Storage;

namespace Scouter.Server.Auth;

/// <summary>
/// Makes an access token only as good as its user's current record: on every request the token's user
/// is looked up (cached for <see cref="CacheDuration"/>) and the token is refused when the user is gone,
/// disabled, or has a new security stamp (password changed, disabled, deleted and created again);
/// otherwise the space and global-role claims are replaced by the user's current grants, so a demotion
/// applies to the next request. Changes made through this replica evict its entry at once; other
/// replicas notice within <see cref="CacheDuration"/>. A token minted by a login or refresh names its
/// login (<see cref="LoginClaim"/>, the refresh-token family): once that login is logged out or caught
/// reusing a refresh token, its access tokens are refused too.
/// </summary>
internal sealed class UserSessions(UserStore users, RefreshTokenStore refreshTokens, TimeProvider time)
{
    public const string StampClaim = "scouter_stamp";

    /// <summary>Claim naming the login (refresh-token family) an access token belongs to.</summary>
    public const string LoginClaim = "sid";
    public static readonly TimeSpan CacheDuration = TimeSpan.FromSeconds(5);
    private const int MaxEntries = 50_000;

    private readonly ConcurrentDictionary<string, (UserRecord? User, DateTimeOffset FetchedAt)> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (bool Live, DateTimeOffset FetchedAt)> _logins = new(StringComparer.Ordinal);

    /// <summary>The principal with the user's current grants, or null when the token no longer grants access.</summary>
    public async Task<ClaimsPrincipal?> CurrentAsync(ClaimsPrincipal token, CancellationToken ct)
    {
        if (token.Identity is not ClaimsIdentity identity || identity.FindFirst(JwtRegisteredClaimNames.Sub)?.Value is not { } name) return null;
        var user = await GetAsync(name, ct);
        var stamp = identity.FindFirst(StampClaim)?.Value ?? string.Empty;
        if (user is null || user.Disabled || !string.Equals(user.SecurityStamp, stamp, StringComparison.Ordinal)) return null;
        if (identity.FindFirst(LoginClaim)?.Value is { } login && !await IsLiveAsync(login, ct)) return null;

        var kept = identity.Claims.Where(c => c.Type is not (SpaceAccess.SpaceClaim or SpaceAccess.GlobalRoleClaim));
        var current = TokenService.UserClaims(user).Where(c => c.Type is SpaceAccess.SpaceClaim or SpaceAccess.GlobalRoleClaim);
        return new ClaimsPrincipal(new ClaimsIdentity(kept.Concat(current), identity.AuthenticationType, identity.NameClaimType, identity.RoleClaimType));
    }

    /// <summary>Drops the cached record of <paramref name="name"/> after a change made through this replica.</summary>
    public void Forget(string name) => _cache.TryRemove(name, out _);

    /// <summary>Marks <paramref name="login"/> logged out on this replica at once (others notice within <see cref="CacheDuration"/>).</summary>
    public void LoggedOut(string login) => _logins[login] = (false, time.GetUtcNow());

    private async Task<bool> IsLiveAsync(string login, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_logins.TryGetValue(login, out var cached) && (!cached.Live || now - cached.FetchedAt < CacheDuration)) return cached.Live;
        var live = await refreshTokens.IsFamilyLiveAsync(login, ct);
        if (_logins.Count >= MaxEntries) _logins.Clear();
        _logins[login] = (live, now);
        return live;
    }

    private async Task<UserRecord?> GetAsync(string name, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(name, out var cached) && now - cached.FetchedAt < CacheDuration) return cached.User;
        var user = await users.GetUserAsync(name, ct);
        if (_cache.Count >= MaxEntries) _cache.Clear();
        _cache[name] = (user, now);
        return user;
    }
}

/// <summary>The access token's user was deleted or disabled, or its security stamp changed.</summary>
internal sealed class AccessRevokedException() : SecurityTokenException("The access token's user was deleted, disabled or changed password.");
