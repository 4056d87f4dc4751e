using System.Globalization;
using System.Text.Json.Nodes;
using Scouter.Records;
using Scouter.Server.Ingestion;
using Scouter.Server.Storage;

namespace Scouter.Server.Registry;

/// <summary>Why a registry change was refused.</summary>
internal enum RegistryRefusal
{
    /// <summary>The profile is not valid (or cannot be carried).</summary>
    Invalid,

    /// <summary>The version is registered with other contents.</summary>
    Conflict,

    /// <summary>An update changes a field other than the alert settings.</summary>
    Immutable,

    /// <summary>No profile with that uid.</summary>
    NotFound,
}

/// <summary>A refused registry change: a stable code, the message, and the offending field (and stored uid) when known.</summary>
internal sealed record RegistryProblem(RegistryRefusal Refusal, string Code, string Detail, string? Field = null, Guid? Uid = null);

/// <summary>What a registration did: created a profile, found the identical one registered, or was refused.</summary>
internal sealed record Registration(StoredProfile? Profile, bool Created, RegistryProblem? Problem)
{
    public static Registration Refused(RegistryProblem problem) => new(null, false, problem);
}

/// <summary>
/// The profile registry's rules over <see cref="IProfileStore"/>: a registration gets a server uid and
/// (with bump) the next patch version; a version registered again is accepted only with identical
/// contents; activating a version can deactivate the other versions of its space/name/drift type;
/// an update may change the alert settings only. Every change drops the profile from the ingestion
/// <see cref="ProfileCache"/>.
/// </summary>
internal sealed class ProfileRegistry(IProfileStore store, ProfileCache cache, TimeProvider time)
{
    /// <summary>
    /// Inserts a bumping registration tries. Each unique-key conflict means a concurrent registration
    /// committed the version this one computed, and the next attempt reads it and takes a higher one,
    /// so a caller needs at most one attempt more than there are concurrent registrations of the name.
    /// </summary>
    private const int BumpAttempts = 64;

    /// <summary>Inserts a registration without bump tries while the row in its way keeps disappearing.</summary>
    private const int RegisterAttempts = 5;

    /// <summary>
    /// Registers <paramref name="profile"/> under a new uid: with <paramref name="bump"/> as the next patch
    /// version after the highest registered one; without it, its own version, which when taken is accepted
    /// only with identical contents (the stored profile, activated when <paramref name="setActive"/>).
    /// </summary>
    public async Task<Registration> RegisterAsync(DriftProfile profile, bool setActive, bool bump, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (RecordRules.CheckCarriable(profile) is { } tooLarge)
            return Registration.Refused(new(RegistryRefusal.Invalid, tooLarge.Code, tooLarge.Detail, "profile." + tooLarge.Member));
        var config = profile.Config;
        for (var attempt = 1; ; attempt++)
        {
            var version = config.Version;
            if (bump)
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
                return Registration.Refused(new(RegistryRefusal.Invalid, "invalid_profile", ex.Message, "profile.config." + ex.ParamName));
            }
            var alerts = assigned.Config.Alerts;
            var row = new StoredProfile(uid, config.Space, config.Name, version, config.DriftType, assigned.ToJson(), setActive,
                alerts.Schedule, alerts.TimeZone, null, default, default);
            try
            {
                return new Registration(await store.InsertAsync(row, deactivateOthers: setActive, ct), Created: true, null);
            }
            catch (ProfileExistsException ex)
            {
                var exists = new RegistryProblem(RegistryRefusal.Conflict, "profile_exists", ex.Message);
                if (bump)
                {
                    // A concurrent registration took the version we computed: compute again.
                    if (attempt >= BumpAttempts) return Registration.Refused(exists);
                    continue;
                }
                var repeat = await RegisterAgainAsync(row, assigned, setActive, ct);
                if (repeat is not null || attempt >= RegisterAttempts) return repeat ?? Registration.Refused(exists);
                // The row that was in the way is gone again: insert again.
            }
        }
    }

    /// <summary>
    /// The answer to registering <paramref name="profile"/> when its (space, name, version, drift type) is
    /// taken: the stored profile when the contents are identical (activating it, and deactivating the other
    /// versions, when <paramref name="setActive"/>), else a conflict naming the first difference. Null when
    /// no such row exists any more.
    /// </summary>
    private async Task<Registration?> RegisterAgainAsync(StoredProfile row, DriftProfile profile, bool setActive, CancellationToken ct)
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
            return Registration.Refused(new(RegistryRefusal.Conflict, "profile_exists",
                $"Profile {key} is already registered and cannot be compared; register with bump=true for a new version or change the version."));
        }
        var incoming = JsonNode.Parse(profile.ToJson());
        if (ProfileDiff.FirstContentDifference(storedJson, incoming) is { } field)
        {
            var alertsOnly = ProfileDiff.FirstImmutableDifference(storedJson, incoming) is null;
            var hint = alertsOnly ? $" To change only its alert settings, update it with PUT /api/v1/profiles/{stored.Uid}." : string.Empty;
            return Registration.Refused(new(RegistryRefusal.Conflict, "profile_exists",
                $"Profile {key} is already registered with different contents ('{field}' differs); register with bump=true for a new version or change the version.{hint}",
                field, stored.Uid));
        }
        if (setActive)
        {
            stored = await store.SetActiveAsync(stored.Uid, active: true, deactivateOthers: true, ct) ?? stored;
            cache.Invalidate(stored.Uid);
        }
        return new Registration(stored, Created: false, null);
    }

    /// <summary>
    /// Replaces the alert settings of <paramref name="row"/> with those of <paramref name="profile"/>; every
    /// other field must equal the stored one. Returns the updated row, or the refusal.
    /// </summary>
    public async Task<(StoredProfile? Updated, RegistryProblem? Problem)> UpdateAlertsAsync(StoredProfile row, DriftProfile profile, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(profile);
        var stored = JsonNode.Parse(row.ProfileJson)!.AsObject();
        var incoming = JsonNode.Parse(profile.ToJson())!.AsObject();
        if (profile.DriftType != row.DriftType) return (null, Immutable("profile.drift_type"));
        if (ProfileDiff.FirstImmutableDifference(stored, incoming) is { } field) return (null, Immutable(field));

        stored["config"]!["alert_config"] = incoming["config"]!["alert_config"]!.DeepClone();
        DriftProfile merged;
        try
        {
            merged = DriftProfile.FromJson(stored.ToJsonString(), "profile");
        }
        catch (ScouterDataException ex)
        {
            return (null, new(RegistryRefusal.Invalid, "invalid_profile", ex.Message, "profile.config.alert_config"));
        }
        var alerts = merged.Config.Alerts;
        var updated = await store.UpdateAsync(row.Uid, merged.ToJson(), alerts.Schedule, alerts.TimeZone, ct);
        cache.Invalidate(row.Uid);
        return updated is null ? (null, NotFound(row.Uid)) : (updated, null);
    }

    /// <summary>
    /// Activates or deactivates a profile; when activating with <paramref name="deactivateOthers"/>, the other
    /// versions of its space/name/drift type are deactivated. Null when the profile is gone.
    /// </summary>
    public async Task<StoredProfile?> SetActiveAsync(Guid uid, bool active, bool deactivateOthers, CancellationToken ct)
    {
        var updated = await store.SetActiveAsync(uid, active, deactivateOthers, ct);
        cache.Invalidate(uid);
        return updated;
    }

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

    /// <summary>The refusal for an unknown uid.</summary>
    public static RegistryProblem NotFound(Guid uid) => NotFound(uid.ToString("D", CultureInfo.InvariantCulture));

    /// <summary>The refusal for an unknown uid as given.</summary>
    public static RegistryProblem NotFound(string uid) => new(RegistryRefusal.NotFound, "profile_not_found", $"No profile with uid {uid}.");

    private static RegistryProblem Immutable(string field) =>
        new(RegistryRefusal.Immutable, "profile_immutable", $"'{field}' differs from the stored profile; only alert_config may change. Register a new version instead.", field);
}
