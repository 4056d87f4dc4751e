using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Scouter.Server.Auth;

namespace Scouter.Server.Apis;

/// <summary><c>GET /me</c>: who the caller is and what it may do, from the caller's current grants.</summary>
internal static class MeApi
{
    /// <summary>Maps <c>/me</c>.</summary>
    public static RouteGroupBuilder MapMeApi(this RouteGroupBuilder api)
    {
        api.MapGet("/me", Me).RequireAuthorization().WithName("Me").WithTags("auth");
        return api;
    }

    internal static Ok<MeResponse> Me(ClaimsPrincipal user)
    {
        var grants = user.FindAll(SpaceAccess.SpaceClaim)
            .Select(c => SpaceAccess.ParseGrant(c.Value))
            .Where(g => g.Role is not null)
            .GroupBy(g => g.Space, StringComparer.Ordinal)
            .Select(g => new SpaceGrant(g.Key, g.Max(x => x.Role!.Value)))
            .OrderBy(g => g.Space, StringComparer.Ordinal)
            .ToList();
        return TypedResults.Ok(new MeResponse(user.Identity?.Name ?? string.Empty, user.FindFirst(SpaceAccess.KindClaim)?.Value ?? "user",
            user.IsGlobalAdmin() ? "admin" : null, grants));
    }
}

/// <summary>The caller (<c>GET /me</c>).</summary>
/// <param name="Name">User name (<c>api_key:ID</c> for an API key).</param>
/// <param name="Kind"><c>user</c> or <c>api_key</c>.</param>
/// <param name="GlobalRole"><c>admin</c> for a global administrator (admin on every space), else null.</param>
/// <param name="Spaces">The caller's space grants; a space <c>*</c> means every space.</param>
internal sealed record MeResponse(string Name, string Kind, string? GlobalRole, IReadOnlyList<SpaceGrant> Spaces);

/// <summary>A role on a space.</summary>
/// <param name="Space">Space name, or <c>*</c> for every space.</param>
/// <param name="Role">read, write or admin.</param>
internal sealed record SpaceGrant(string Space, SpaceRole Role);
