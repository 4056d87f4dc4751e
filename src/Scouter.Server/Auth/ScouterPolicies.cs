namespace Scouter.Server.Auth;

/// <summary>
/// Authorization policy names. The default (and fallback) policy is "authenticated": any valid access
/// token or API key; space roles are checked per route with <see cref="SpaceAccess"/>.
/// </summary>
internal static class ScouterPolicies
{
    /// <summary>Callers with the global <c>admin</c> role (<see cref="SpaceAccess.GlobalRoleClaim"/>).</summary>
    public const string GlobalAdmin = "scouter:global_admin";

    /// <summary>The policy scheme that forwards to the JWT bearer or API-key handler.</summary>
    public const string Scheme = "Scouter";
}
