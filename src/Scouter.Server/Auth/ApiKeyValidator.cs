using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Scouter.Server.Storage;

namespace Scouter.Server.Auth;

/// <summary>
/// Resolves presented API keys to principals, caching lookups (hits and misses) for
/// <see cref="CacheDuration"/> so high-rate ingestion does not query the database per request.
/// Expiry is checked on every request against the cached row. Revocation through this replica evicts
/// the entry at once; other replicas notice within <see cref="CacheDuration"/>.
/// </summary>
internal sealed class ApiKeyValidator(ApiKeyStore store, TimeProvider time)
{
    public static readonly TimeSpan CacheDuration = TimeSpan.FromSeconds(30);
    private const int MaxEntries = 50_000;

    private readonly ConcurrentDictionary<string, (ApiKeyRecord? Key, DateTimeOffset FetchedAt)> _cache = new(StringComparer.Ordinal);

    /// <summary>The principal for <paramref name="presented"/>, or null when unknown, revoked or expired.</summary>
    public async Task<ClaimsPrincipal?> AuthenticateAsync(string presented, string scheme, CancellationToken ct)
    {
        if (!presented.StartsWith(Secrets.ApiKeyPrefix, StringComparison.Ordinal) || presented.Length > 200) return null;
        var hash = Secrets.Hash(presented);
        var now = time.GetUtcNow();
        ApiKeyRecord? key;
        if (_cache.TryGetValue(hash, out var cached) && now - cached.FetchedAt < CacheDuration)
        {
            key = cached.Key;
        }
        else
        {
            key = await store.FindApiKeyByHashAsync(hash, ct);
            if (_cache.Count >= MaxEntries) _cache.Clear();
            _cache[hash] = (key, now);
        }
        if (key is null || key.RevokedAt is not null || key.ExpiresAt <= now) return null;
        return new ClaimsPrincipal(new ClaimsIdentity(Claims(key), scheme, JwtRegisteredClaimNames.Sub, SpaceAccess.GlobalRoleClaim));
    }

    /// <summary>Drops cached entries of a revoked key on this replica.</summary>
    public void Evict(string keyHash) => _cache.TryRemove(keyHash, out _);

    private static IEnumerable<Claim> Claims(ApiKeyRecord key)
    {
        yield return new Claim(JwtRegisteredClaimNames.Sub, "api_key:" + key.Id);
        yield return new Claim(SpaceAccess.KindClaim, "api_key");
        foreach (var (space, role) in key.Spaces) yield return new Claim(SpaceAccess.SpaceClaim, SpaceAccess.Grant(space, role));
    }
}
