using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Scouter.Server.Auth;
using Scouter.Server.Ingestion;
using Scouter.Server.Storage;

namespace Scouter.Server.Apis;

/// <summary>Body of <c>POST /profiles</c>.</summary>
public sealed class RegisterProfileRequest
{
    /// <summary>The profile (any drift type).</summary>
    public DriftProfile? Profile { get; set; }

    /// <summary>Activate it (and deactivate the other versions of the same space/name/drift type).</summary>
    public bool SetActive { get; set; }

    /// <summary>Assign the next patch version after the highest registered one instead of failing with 409.</summary>
    public bool Bump { get; set; }
}

/// <summary>Body of <c>PUT /profiles/{uid}</c>.</summary>
public sealed class UpdateProfileRequest
{
    /// <summary>The profile with changed alert settings; every drift-math field must equal the stored one.</summary>
    public DriftProfile? Profile { get; set; }
}

/// <summary>Body of <c>PUT /profiles/{uid}/status</c>.</summary>
public sealed class ProfileStatusRequest
{
    /// <summary>Whether scheduled checks run (required).</summary>
    public bool? Active { get; set; }

    /// <summary>When activating: deactivate the other versions of the same space/name/drift type.</summary>
    public bool DeactivateOthers { get; set; }
}

/// <summary>A registered profile's metadata, with the profile JSON where the route returns it.</summary>
/// <param name="Uid">Server-assigned uid.</param>
/// <param name="Space">Space.</param>
/// <param name="Name">Model name.</param>
/// <param name="Version">Version.</param>
/// <param name="DriftType">Drift type.</param>
/// <param name="Active">Whether scheduled checks run.</param>
/// <param name="Schedule">Check schedule (cron).</param>
/// <param name="TimeZone">Schedule time zone (null: UTC).</param>
/// <param name="NextRun">Next scheduled check.</param>
/// <param name="CreatedAt">Registration time.</param>
/// <param name="UpdatedAt">Last change.</param>
/// <param name="Profile">The stored profile (POST and PUT responses).</param>
public sealed record ProfileResponse(
    Guid Uid, string Space, string Name, string Version, DriftType DriftType, bool Active, string Schedule, string? TimeZone,
    DateTimeOffset? NextRun, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonElement? Profile = null)
{
    internal static ProfileResponse From(StoredProfile p, bool withProfile) => new(
        p.Uid, p.Space, p.Name, p.Version, p.DriftType, p.Active, p.Schedule, p.TimeZone, p.NextRun, p.CreatedAt, p.UpdatedAt,
        withProfile ? JsonDocument.Parse(p.ProfileJson).RootElement.Clone() : null);
}

/// <summary>Answer of <c>GET /profiles</c>.</summary>
/// <param name="Profiles">Matching profiles the caller may read (metadata only; fetch one for its JSON).</param>
public sealed record ProfileListResponse(IReadOnlyList<ProfileResponse> Profiles);

/// <summary><c>/profiles</c>: register, list, get, update alert settings, activate.</summary>
public static class ProfilesApi
{
    private const int BumpAttempts = 5;

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

    /// <summary><c>POST /profiles</c>.</summary>
    public static async Task<Results<Created<ProfileResponse>, ProblemHttpResult>> RegisterAsync(
        HttpRequest request, ClaimsPrincipal user, IProfileStore store, TimeProvider time, CancellationToken ct)
    {
        var (body, problem) = await ApiBody.ReadAsync<RegisterProfileRequest>(request, ct);
        if (problem is not null) return problem;
        if (body!.Profile is not { } profile) return Problems.Validation("invalid_profile", "profile", "profile is required.");
        var config = profile.Config;
        if (!user.Can(config.Space, SpaceRole.Write)) return Problems.Forbidden(config.Space, "write");

        for (var attempt = 1; ; attempt++)
        {
            var version = config.Version;
            if (body.Bump)
            {
                var existing = await store.ListVersionsAsync(config.Space, config.Name, config.DriftType, ct);
                if (NextPatch(existing) is { } next) version = next;
            }
            var uid = Guid.CreateVersion7(time.GetUtcNow());
            DriftProfile assigned;
            try
            {
                assigned = WithIdentity(profile, uid, version);
            }
            catch (ScouterConfigException ex)
            {
                return Problems.Validation("invalid_profile", "profile.config." + ex.ParamName, ex.Message);
            }
            var alerts = assigned.Config.Alerts;
            var row = new StoredProfile(uid, config.Space, config.Name, version, config.DriftType, assigned.ToJson(), body.SetActive,
                alerts.Schedule, alerts.TimeZone, null, default, default);
            try
            {
                var stored = await store.InsertAsync(row, deactivateOthers: body.SetActive, ct);
                return TypedResults.Created($"/api/v1/profiles/{uid}", ProfileResponse.From(stored, withProfile: true));
            }
            catch (ProfileExistsException ex)
            {
                // With bump, a concurrent registration took the version we computed: compute again.
                if (!body.Bump || attempt >= BumpAttempts) return Problems.Conflict("profile_exists", ex.Message);
            }
        }
    }

    /// <summary><c>GET /profiles?space=&amp;name=&amp;version=&amp;drift_type=</c>.</summary>
    public static async Task<Results<Ok<ProfileListResponse>, ProblemHttpResult>> ListAsync(
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
        return TypedResults.Ok(new ProfileListResponse([.. rows.Where(r => user.Can(r.Space, SpaceRole.Read)).Select(r => ProfileResponse.From(r, withProfile: false))]));
    }

    /// <summary><c>GET /profiles/{uid}</c>: the stored profile JSON itself (loadable with <c>DriftProfile.FromJson</c>).</summary>
    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetAsync(string uid, ClaimsPrincipal user, IProfileStore store, CancellationToken ct)
    {
        var (row, problem) = await FindAsync(uid, user, SpaceRole.Read, store, ct);
        if (problem is not null) return problem;
        return TypedResults.Text(row!.ProfileJson, "application/json");
    }

    /// <summary><c>PUT /profiles/{uid}</c>: replaces alert settings; drift-math fields are immutable (422).</summary>
    public static async Task<Results<Ok<ProfileResponse>, ProblemHttpResult>> UpdateAsync(
        string uid, HttpRequest request, ClaimsPrincipal user, IProfileStore store, ProfileCache cache, CancellationToken ct)
    {
        var (row, problem) = await FindAsync(uid, user, SpaceRole.Write, store, ct);
        if (problem is not null) return problem;
        var (body, bodyProblem) = await ApiBody.ReadAsync<UpdateProfileRequest>(request, ct);
        if (bodyProblem is not null) return bodyProblem;
        if (body!.Profile is not { } profile) return Problems.Validation("invalid_profile", "profile", "profile is required.");

        var stored = JsonNode.Parse(row!.ProfileJson)!.AsObject();
        var incoming = JsonNode.Parse(profile.ToJson())!.AsObject();
        if (profile.DriftType != row.DriftType) return Immutable("profile.drift_type");
        if (FirstDifference(stored, incoming, "profile") is { } field) return Immutable(field);

        stored["config"]!["alert_config"] = incoming["config"]!["alert_config"]!.DeepClone();
        DriftProfile merged;
        try
        {
            merged = DriftProfile.FromJson(stored.ToJsonString(), "profile");
        }
        catch (ScouterDataException ex)
        {
            return Problems.Validation("invalid_profile", "profile.config.alert_config", ex.Message);
        }
        var alerts = merged.Config.Alerts;
        var updated = await store.UpdateAsync(row.Uid, merged.ToJson(), alerts.Schedule, alerts.TimeZone, ct);
        cache.Invalidate(row.Uid);
        return updated is null ? NotFound(uid) : TypedResults.Ok(ProfileResponse.From(updated, withProfile: true));
    }

    /// <summary><c>PUT /profiles/{uid}/status</c>.</summary>
    public static async Task<Results<Ok<ProfileResponse>, ProblemHttpResult>> SetStatusAsync(
        string uid, HttpRequest request, ClaimsPrincipal user, IProfileStore store, ProfileCache cache, CancellationToken ct)
    {
        var (row, problem) = await FindAsync(uid, user, SpaceRole.Write, store, ct);
        if (problem is not null) return problem;
        var (body, bodyProblem) = await ApiBody.ReadAsync<ProfileStatusRequest>(request, ct);
        if (bodyProblem is not null) return bodyProblem;
        if (body!.Active is not { } active) return Problems.Validation("invalid_request", "active", "active is required.");
        var updated = await store.SetActiveAsync(row!.Uid, active, body.DeactivateOthers, ct);
        cache.Invalidate(row.Uid);
        return updated is null ? NotFound(uid) : TypedResults.Ok(ProfileResponse.From(updated, withProfile: false));
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

    /// <summary>The next patch version after the highest <c>major.minor.patch</c> in <paramref name="versions"/>; null when none parses.</summary>
    internal static string? NextPatch(IEnumerable<string> versions)
    {
        (int Major, int Minor, int Patch)? best = null;
        foreach (var v in versions)
        {
            var core = v.Split('-', '+')[0].Split('.');
            if (core.Length != 3) continue;
            if (!int.TryParse(core[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)
                || !int.TryParse(core[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor)
                || !int.TryParse(core[2], NumberStyles.None, CultureInfo.InvariantCulture, out var patch)) continue;
            if (best is null || (major, minor, patch).CompareTo(best.Value) > 0) best = (major, minor, patch);
        }
        return best is { } b ? string.Create(CultureInfo.InvariantCulture, $"{b.Major}.{b.Minor}.{b.Patch + 1}") : null;
    }

    /// <summary>The profile with a new uid and version (profiles are immutable: rebuilt from their parts).</summary>
    internal static DriftProfile WithIdentity(DriftProfile profile, Guid uid, string version) => profile switch
    {
        PsiDriftProfile p => new PsiDriftProfile(p.Config with { Uid = uid, Version = version }, p.Features, p.ScouterVersion, p.CreatedAt),
        SpcDriftProfile p => new SpcDriftProfile(p.Config with { Uid = uid, Version = version }, p.Features, p.ScouterVersion, p.CreatedAt),
        CustomDriftProfile p => new CustomDriftProfile(p.Config with { Uid = uid, Version = version }, p.Metrics, p.ScouterVersion, p.CreatedAt),
        LlmDriftProfile p => new LlmDriftProfile(p.Config with { Uid = uid, Version = version }, p.Metrics, p.ScouterVersion, p.CreatedAt),
        _ => throw new ArgumentException($"Unknown profile type {profile.GetType().Name}.", nameof(profile)),
    };

    /// <summary>
    /// The first path where two profile JSON trees differ, ignoring what PUT may change or the server
    /// owns: <c>config.alert_config</c>, <c>config.uid</c>, <c>config.version</c>, <c>created_at</c>,
    /// <c>scouter_version</c>.
    /// </summary>
    internal static string? FirstDifference(JsonNode? stored, JsonNode? incoming, string path)
    {
        if (path is "profile.config.alert_config" or "profile.config.uid" or "profile.config.version" or "profile.created_at" or "profile.scouter_version")
            return null;
        switch (stored, incoming)
        {
            case (JsonObject a, JsonObject b):
                foreach (var key in a.Select(p => p.Key).Union(b.Select(p => p.Key)))
                {
                    a.TryGetPropertyValue(key, out var av);
                    b.TryGetPropertyValue(key, out var bv);
                    if (FirstDifference(av, bv, path + "." + key) is { } diff) return diff;
                }
                return null;
            case (JsonArray a, JsonArray b):
                if (a.Count != b.Count) return path;
                for (var i = 0; i < a.Count; i++)
                {
                    if (FirstDifference(a[i], b[i], string.Create(CultureInfo.InvariantCulture, $"{path}[{i}]")) is { } diff) return diff;
                }
                return null;
            default:
                return JsonNode.DeepEquals(stored, incoming) ? null : path;
        }
    }

    private static ProblemHttpResult Immutable(string field) =>
        Problems.Create(StatusCodes.Status422UnprocessableEntity, "profile_immutable", $"'{field}' differs from the stored profile; only alert_config may change. Register a new version instead.", field);

    private static ProblemHttpResult NotFound(string uid) => Problems.NotFound("profile_not_found", $"No profile with uid {uid}.");
}
