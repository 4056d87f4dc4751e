using System.Security.Claims;
using System.Text.Json.Serialization;

namespace Scouter.Server.Auth;

/// <summary>Role on a space: read &lt; write &lt; admin.</summary>
internal enum SpaceRole
{
    /// <summary>Query profiles, drift and alerts.</summary>
    [JsonStringEnumMemberName("read")] Read = 1,

    /// <summary>Also register/update profiles, ingest records, run checks, acknowledge alerts.</summary>
    [JsonStringEnumMemberName("write")] Write = 2,

    /// <summary>Also manage the space's API keys.</summary>
    [JsonStringEnumMemberName("admin")] Admin = 3,
}

/// <summary>
/// The claims every authenticated caller (user token or API key) carries, and the checks routes use.
/// A global admin passes every space check.
/// </summary>
internal static class SpaceAccess
{
    /// <summary>Claim type of a space grant; value <c>"&lt;space&gt;=&lt;role&gt;"</c>. <c>*</c> as space means every space.</summary>
    public const string SpaceClaim = "scouter:space";

    /// <summary>Claim type present with value <c>admin</c> for global administrators.</summary>
    public const string GlobalRoleClaim = "scouter:global_role";

    /// <summary>Claim type naming how the caller authenticated: <c>user</c> or <c>api_key</c>.</summary>
    public const string KindClaim = "scouter:kind";

    /// <summary>Whether the caller is a global admin.</summary>
    public static bool IsGlobalAdmin(this ClaimsPrincipal user) => user.HasClaim(GlobalRoleClaim, "admin");

    /// <summary>The caller's role on <paramref name="space"/>, if any.</summary>
    public static SpaceRole? RoleOn(this ClaimsPrincipal user, string space)
    {
        if (user.IsGlobalAdmin()) return SpaceRole.Admin;
        SpaceRole? best = null;
        foreach (var claim in user.FindAll(SpaceClaim))
        {
            var (grantSpace, role) = ParseGrant(claim.Value);
            if (role is null || (grantSpace != space && grantSpace != "*")) continue;
            if (best is null || role > best) best = role;
        }
        return best;
    }

    /// <summary>Whether the caller has at least <paramref name="role"/> on <paramref name="space"/>.</summary>
    public static bool Can(this ClaimsPrincipal user, string space, SpaceRole role) => user.RoleOn(space) >= role;

    /// <summary>
    /// The spaces the caller may read, sorted (ordinal) and distinct; null means every space (a global
    /// admin, or a <c>*</c> grant).
    /// </summary>
    public static IReadOnlyList<string>? ReadableSpaces(this ClaimsPrincipal user)
    {
        if (user.IsGlobalAdmin()) return null;
        var spaces = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var claim in user.FindAll(SpaceClaim))
        {
            var (grant, role) = ParseGrant(claim.Value);
            if (role is null) continue;
            if (grant == "*") return null;
            spaces.Add(grant);
        }
        return [.. spaces];
    }

    /// <summary>A grant claim value.</summary>
    public static string Grant(string space, SpaceRole role) => $"{space}={EnumName(role)}";

    /// <summary>Parses <c>space=role</c>; the role is null when unknown.</summary>
    public static (string Space, SpaceRole? Role) ParseGrant(string value)
    {
        var at = value.LastIndexOf('=');
        if (at <= 0) return (value, null);
        SpaceRole? role = value[(at + 1)..] switch
        {
            "read" => SpaceRole.Read,
            "write" => SpaceRole.Write,
            "admin" => SpaceRole.Admin,
            _ => null,
        };
        return (value[..at], role);
    }

    /// <summary>The wire name of a role.</summary>
    public static string EnumName(SpaceRole role) => role switch
    {
        SpaceRole.Read => "read",
        SpaceRole.Write => "write",
        _ => "admin",
    };
}
