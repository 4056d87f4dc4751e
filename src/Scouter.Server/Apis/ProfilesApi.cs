using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Scouter.Api;
using Scouter.Records;
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

/// <summary>Builds the API's view of a stored profile.</summary>
internal static class ProfileViews
{
    /// <summary>The metadata of <paramref name="p"/>, with its profile JSON when <paramref name="withProfile"/>.</summary>
    public static ProfileInfo From(StoredProfile p, bool withProfile) => new(
        p.Uid, p.Space, p.Name, p.Version, p.DriftType, p.Active, p.Schedule, p.TimeZone, p.NextRun, p.CreatedAt, p.UpdatedAt,
        withProfile ? JsonElement.Parse(p.ProfileJson) : null);
}

/// <summary><c>/profiles</c>: register, list, get, update alert settings, activate.</summary>
public static class ProfilesApi
{
    /// <summary>
    /// Inserts a bumping registration tries. Each unique-key conflict means a concurrent registration
    /// committed the version this one computed, and the next attempt reads it and takes a higher one,
    /// so a caller needs at most one attempt more than there are concurrent registrations of the name.
    /// </summary>
    private const int BumpAttempts = 64;

    /// <summary>Inserts a registration without bump tries while the row in its way keeps disappearing.</summary>
    private const int RegisterAttempts = 5;

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
    /// registered again with identical contents (see <see cref="ProfileDiff.FirstContentDifference"/>);
    /// 409 <c>profile_exists</c> when it is registered with different contents and no bump; 400
    /// <c>profile_too_large</c> when the system cannot carry the profile's records.
    /// </summary>
    public static async Task<Results<Created<ProfileInfo>, Ok<ProfileInfo>, ProblemHttpResult>> RegisterAsync(
        HttpRequest request, ClaimsPrincipal user, IProfileStore store, ProfileCache cache, TimeProvider time, CancellationToken ct)
    {
        var (body, problem) = await ApiBody.ReadAsync<RegisterProfileRequest>(request, ct);
        if (problem is not null) return problem;
        if (body!.Profile is not { } profile) return Problems.Validation("invalid_profile", "profile", "profile is required.");
        var config = profile.Config;
        if (!user.Can(config.Space, SpaceRole.Write)) return Problems.Forbidden(config.Space, "write");
        if (RecordRules.CheckCarriable(profile) is { } tooLarge) return Problems.Validation(tooLarge.Code, "profile." + tooLarge.Member, tooLarge.Detail);

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
                return TypedResults.Created($"/api/v1/profiles/{uid}", ProfileViews.From(stored, withProfile: true));
            }
            catch (ProfileExistsException ex)
            {
                if (body.Bump)
                {
                    // A concurrent registration took the version we computed: compute again.
                    if (attempt >= BumpAttempts) return Problems.Conflict("profile_exists", ex.Message);
                    continue;
                }
                var repeat = await RegisterAgainAsync(row, assigned, body.SetActive, store, cache, ct);
                if (repeat is not null || attempt >= RegisterAttempts) return repeat ?? Problems.Conflict("profile_exists", ex.Message);
                // The row that was in the way is gone again: insert again.
            }
        }
    }

    /// <summary>
    /// The answer to registering <paramref name="profile"/> when its (space, name, version, drift type) is
    /// taken: 200 with the stored profile when the contents are identical (activating it, and
    /// deactivating the other versions, when <paramref name="setActive"/>), else 409 naming the first
    /// difference. Null when no such row exists any more.
    /// </summary>
    private static async Task<Results<Created<ProfileInfo>, Ok<ProfileInfo>, ProblemHttpResult>?> RegisterAgainAsync(
        StoredProfile row, DriftProfile profile, bool setActive, IProfileStore store, ProfileCache cache, CancellationToken ct)
    {
        var matches = await store.ListAsync(new ProfileFilter(row.Space, row.Name, row.Version, row.DriftType), ct);
        if (matches.Count == 0) return null;
        var stored = matches[0];
        var key = $"{row.Space}/{row.Name} version {row.Version} ({SqlProfileStore.TypeName(row.DriftType)})";
        JsonNode storedJson;
        try
        {
            // Through the model, so that a profile stored by an older server compares with the same defaults.
            storedJson = JsonNode.Parse(DriftProfile.FromJson(stored.ProfileJson, "stored profile").ToJson())!;
        }
        catch (ScouterDataException)
        {
            return Problems.Create(StatusCodes.Status409Conflict, "profile_exists",
                $"Profile {key} is already registered and cannot be compared; register with bump=true for a new version or change the version.");
        }
        var incoming = JsonNode.Parse(profile.ToJson());
        if (ProfileDiff.FirstContentDifference(storedJson, incoming) is { } field)
        {
            var alertsOnly = ProfileDiff.FirstImmutableDifference(storedJson, incoming) is null;
            var hint = alertsOnly ? $" To change only its alert settings, update it with PUT /api/v1/profiles/{stored.Uid}." : string.Empty;
            return Problems.Create(StatusCodes.Status409Conflict, "profile_exists",
                $"Profile {key} is already registered with different contents ('{field}' differs); register with bump=true for a new version or change the version.{hint}",
                field, new Dictionary<string, object?> { ["uid"] = stored.Uid });
        }
        if (setActive)
        {
            stored = await store.SetActiveAsync(stored.Uid, active: true, deactivateOthers: true, ct) ?? stored;
            cache.Invalidate(stored.Uid);
        }
        return TypedResults.Ok(ProfileViews.From(stored, withProfile: true));
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
    public static async Task<Results<Ok<ProfileInfo>, ProblemHttpResult>> UpdateAsync(
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
        if (ProfileDiff.FirstImmutableDifference(stored, incoming) is { } field) return Immutable(field);

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
        return updated is null ? NotFound(uid) : TypedResults.Ok(ProfileViews.From(updated, withProfile: true));
    }

    /// <summary><c>PUT /profiles/{uid}/status</c>.</summary>
    public static async Task<Results<Ok<ProfileInfo>, ProblemHttpResult>> SetStatusAsync(
        string uid, HttpRequest request, ClaimsPrincipal user, IProfileStore store, ProfileCache cache, CancellationToken ct)
    {
        var (row, problem) = await FindAsync(uid, user, SpaceRole.Write, store, ct);
        if (problem is not null) return problem;
        var (body, bodyProblem) = await ApiBody.ReadAsync<ProfileStatusRequest>(request, ct);
        if (bodyProblem is not null) return bodyProblem;
        if (body!.Active is not { } active) return Problems.Validation("invalid_request", "active", "active is required.");
        var updated = await store.SetActiveAsync(row!.Uid, active, body.DeactivateOthers, ct);
        cache.Invalidate(row.Uid);
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
        LlmDriftProfile p => new LlmDriftProfile(p.Config with { Uid = uid, Version = version }, p.Metrics, p.Assertions, p.ScouterVersion, p.CreatedAt),
        _ => throw new ArgumentException($"Unknown profile type {profile.GetType().Name}.", nameof(profile)),
    };

    private static ProblemHttpResult Immutable(string field) =>
        Problems.Create(StatusCodes.Status422UnprocessableEntity, "profile_immutable", $"'{field}' differs from the stored profile; only alert_config may change. Register a new version instead.", field);

    private static ProblemHttpResult NotFound(string uid) => Problems.NotFound("profile_not_found", $"No profile with uid {uid}.");
}
