using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Scouter.Api;
using Scouter.Server.Auth;
using Scouter.Server.Registry;
using Scouter.Server.Storage;

namespace Scouter.Server.Apis;

/// <summary>Body of <c>POST /profiles</c>.</summary>
internal sealed class RegisterProfileRequest
{
    /// <summary>The profile (any drift type).</summary>
    public DriftProfile? Profile { get; set; }

    /// <summary>Activate it (and deactivate the other versions of the same space/name/drift type).</summary>
    public bool SetActive { get; set; }

    /// <summary>Assign the next patch version after the highest registered one instead of failing with 409.</summary>
    public bool Bump { get; set; }
}

/// <summary>Body of <c>PUT /profiles/{uid}</c>.</summary>
internal sealed class UpdateProfileRequest
{
    /// <summary>The profile with changed alert settings; every drift-math field must equal the stored one.</summary>
    public DriftProfile? Profile { get; set; }
}

/// <summary>Body of <c>PUT /profiles/{uid}/status</c>.</summary>
internal sealed class ProfileStatusRequest
{
    /// <summary>Whether scheduled checks run (required).</summary>
    public bool? Active { get; set; }

    /// <summary>When activating: deactivate the other versions of the same space/name/drift type.</summary>
    public bool DeactivateOthers { get; set; }
}

/// <summary>Builds the API's view of a stored profile.</summary>
internal static class ProfileViews
{
    /// <summary>The metadata of <paramref name="p"/>, with its profile JSON when <paramref name="withProfile"/>.</summary>
    public static ProfileInfo From(StoredProfile p, bool withProfile) => new(
        p.Uid, p.Space, p.Name, p.Version, p.DriftType, p.Active, p.Schedule, p.TimeZone, p.NextRun, p.CreatedAt, p.UpdatedAt,
        withProfile ? JsonElement.Parse(p.ProfileJson) : null);
}

/// <summary><c>/profiles</c>: register, list, get, update alert settings, activate.</summary>
internal static class ProfilesApi
{
    /// <summary>Maps the profile routes on <paramref name="api"/>.</summary>
    public static RouteGroupBuilder MapProfilesApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/profiles").RequireAuthorization().WithTags("Profiles");
        group.MapPost("/", RegisterAsync).Accepts<RegisterProfileRequest>("application/json");
        group.MapGet("/", ListAsync);
        group.MapGet("/{uid}", GetAsync);
        group.MapPut("/{uid}", UpdateAsync).Accepts<UpdateProfileRequest>("application/json");
        group.MapPut("/{uid}/status", SetStatusAsync).Accepts<ProfileStatusRequest>("application/json");
        return api;
    }

    /// <summary>
    /// <c>POST /profiles</c>: 201 with the new profile; 200 with the stored one when the same version is
    /// registered again with identical contents (see <see cref="ProfileRegistry.RegisterAsync"/>);
    /// 409 <c>profile_exists</c> when it is registered with different contents and no bump; 400
    /// <c>profile_too_large</c> when the system cannot carry the profile's records.
    /// </summary>
    internal static async Task<Results<Created<ProfileInfo>, Ok<ProfileInfo>, ProblemHttpResult>> RegisterAsync(
        HttpRequest request, ClaimsPrincipal user, ProfileRegistry registry, CancellationToken ct)
    {
        var (body, problem) = await ApiBody.ReadAsync<RegisterProfileRequest>(request, ct);
        if (problem is not null) return problem;
        if (body!.Profile is not { } profile) return Problems.Validation("invalid_profile", "profile", "profile is required.");
        if (!user.Can(profile.Config.Space, SpaceRole.Write)) return Problems.Forbidden(profile.Config.Space, "write");
        var registration = await registry.RegisterAsync(profile, body.SetActive, body.Bump, ct);
        if (registration.Problem is { } refused) return Problem(refused);
        var info = ProfileViews.From(registration.Profile!, withProfile: true);
        return registration.Created ? TypedResults.Created($"/api/v1/profiles/{info.Uid}", info) : TypedResults.Ok(info);
    }

    /// <summary><c>GET /profiles?space=&amp;name=&amp;version=&amp;drift_type=</c>.</summary>
    public static async Task<Results<Ok<ProfileList>, ProblemHttpResult>> ListAsync(
        ClaimsPrincipal user, IProfileStore store, string? space, string? name, string? version,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "drift_type")] string? driftType, CancellationToken ct)
    {
        DriftType? type = null;
        if (driftType is not null)
        {
            if (ParseDriftType(driftType) is not { } parsed) return Problems.Validation("invalid_query", "drift_type", "drift_type must be psi, spc, custom or llm.");
            type = parsed;
        }
        if (space is not null && !user.Can(space, SpaceRole.Read)) return Problems.Forbidden(space, "read");
        var rows = await store.ListAsync(new ProfileFilter(space, name, version, type), ct);
        return TypedResults.Ok(new ProfileList([.. rows.Where(r => user.Can(r.Space, SpaceRole.Read)).Select(r => ProfileViews.From(r, withProfile: false))]));
    }

    /// <summary><c>GET /profiles/{uid}</c>: the stored profile JSON itself (loadable with <c>DriftProfile.FromJson</c>).</summary>
    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetAsync(string uid, ClaimsPrincipal user, IProfileStore store, CancellationToken ct)
    {
        var (row, problem) = await FindAsync(uid, user, SpaceRole.Read, store, ct);
        if (problem is not null) return problem;
        return TypedResults.Text(row!.ProfileJson, "application/json");
    }

    /// <summary><c>PUT /profiles/{uid}</c>: replaces alert settings; drift-math fields are immutable (422).</summary>
    internal static async Task<Results<Ok<ProfileInfo>, ProblemHttpResult>> UpdateAsync(
        string uid, HttpRequest request, ClaimsPrincipal user, IProfileStore store, ProfileRegistry registry, CancellationToken ct)
    {
        var (row, problem) = await FindAsync(uid, user, SpaceRole.Write, store, ct);
        if (problem is not null) return problem;
        var (body, bodyProblem) = await ApiBody.ReadAsync<UpdateProfileRequest>(request, ct);
        if (bodyProblem is not null) return bodyProblem;
        if (body!.Profile is not { } profile) return Problems.Validation("invalid_profile", "profile", "profile is required.");
        var (updated, refused) = await registry.UpdateAlertsAsync(row!, profile, ct);
        if (refused is not null) return refused.Refusal == RegistryRefusal.NotFound ? NotFound(uid) : Problem(refused);
        return TypedResults.Ok(ProfileViews.From(updated!, withProfile: true));
    }

    /// <summary><c>PUT /profiles/{uid}/status</c>.</summary>
    internal static async Task<Results<Ok<ProfileInfo>, ProblemHttpResult>> SetStatusAsync(
        string uid, HttpRequest request, ClaimsPrincipal user, IProfileStore store, ProfileRegistry registry, CancellationToken ct)
    {
        var (row, problem) = await FindAsync(uid, user, SpaceRole.Write, store, ct);
        if (problem is not null) return problem;
        var (body, bodyProblem) = await ApiBody.ReadAsync<ProfileStatusRequest>(request, ct);
        if (bodyProblem is not null) return bodyProblem;
        if (body!.Active is not { } active) return Problems.Validation("invalid_request", "active", "active is required.");
        var updated = await registry.SetActiveAsync(row!.Uid, active, body.DeactivateOthers, ct);
        return updated is null ? NotFound(uid) : TypedResults.Ok(ProfileViews.From(updated, withProfile: false));
    }

    /// <summary>
    /// The profile named by a route uid, checking <paramref name="role"/> on its space: 404 for an unknown
    /// uid, 403 when the profile exists but the caller lacks the role (including no role at all on its space).
    /// </summary>
    internal static async Task<(StoredProfile? Row, ProblemHttpResult? Problem)> FindAsync(string uid, ClaimsPrincipal user, SpaceRole role, IProfileStore store, CancellationToken ct)
    {
        if (!Guid.TryParse(uid, CultureInfo.InvariantCulture, out var id)) return (null, Problems.Validation("invalid_uid", "uid", $"'{uid}' is not a uuid."));
        var row = await store.GetAsync(id, ct);
        if (row is null) return (null, NotFound(uid));
        if (!user.Can(row.Space, role)) return (null, Problems.Forbidden(row.Space, SpaceAccess.EnumName(role)));
        return (row, null);
    }

    internal static DriftType? ParseDriftType(string text) => text switch
    {
        "psi" => DriftType.Psi,
        "spc" => DriftType.Spc,
        "custom" => DriftType.Custom,
        "llm" => DriftType.Llm,
        _ => null,
    };

    /// <summary>The answer to a refused registry change.</summary>
    private static ProblemHttpResult Problem(RegistryProblem problem) => problem.Refusal switch
    {
        RegistryRefusal.Invalid => Problems.Validation(problem.Code, problem.Field!, problem.Detail),
        RegistryRefusal.Immutable => Problems.Create(StatusCodes.Status422UnprocessableEntity, problem.Code, problem.Detail, problem.Field),
        RegistryRefusal.NotFound => Problems.NotFound(problem.Code, problem.Detail),
        _ => Problems.Create(StatusCodes.Status409Conflict, problem.Code, problem.Detail, problem.Field,
            problem.Uid is { } uid ? new Dictionary<string, object?> { ["uid"] = uid } : null),
    };

    private static ProblemHttpResult NotFound(string uid) => Problem(ProfileRegistry.NotFound(uid));
}
