using System.Collections.Concurrent;
using System.Collections.Frozen;
using Scouter.Records;
using Scouter.Server.Storage;

namespace Scouter.Server.Ingestion;

/// <summary>A stored profile parsed once, with the record rules ingestion validates against.</summary>
internal sealed class CachedProfile
{
    internal CachedProfile(StoredProfile row, DriftProfile profile)
    {
        Row = row;
        Profile = profile;
        Rules = RecordRules.For(profile);
    }

    /// <summary>The row as loaded (its <c>active</c>/<c>next_run</c> may be stale; identity and drift math never are).</summary>
    public StoredProfile Row { get; }

    /// <summary>The parsed profile.</summary>
    public DriftProfile Profile { get; }

    /// <summary>The record-level rules of the wire format for this profile (Core's one implementation).</summary>
    public RecordRules Rules { get; }

    /// <summary>Feature names (PSI, SPC) or metric names (custom, LLM).</summary>
    public FrozenSet<string> Names => Rules.Names;
}

/// <summary>
/// Profiles by uid, parsed once. The drift-math fields and identity of a stored profile never change
/// (PUT only replaces alert settings), so entries stay valid across replicas; a local update
/// invalidates the entry anyway so readers see the new alert config.
/// </summary>
internal sealed class ProfileCache
{
    private readonly IProfileStore _store;
    private readonly ConcurrentDictionary<Guid, CachedProfile> _profiles = new();

    /// <summary>Creates the cache over <paramref name="store"/>.</summary>
    public ProfileCache(IProfileStore store) => _store = store;

    /// <summary>The profile with <paramref name="uid"/>, from memory or the store; null when unknown.</summary>
    public async ValueTask<CachedProfile?> GetAsync(Guid uid, CancellationToken cancellationToken = default)
    {
        if (_profiles.TryGetValue(uid, out var cached)) return cached;
        var row = await _store.GetAsync(uid, cancellationToken);
        if (row is null) return null;
        var entry = new CachedProfile(row, DriftProfile.FromJson(row.ProfileJson, $"profile {uid}"));
        return _profiles.GetOrAdd(uid, entry);
    }

    /// <summary>Forgets <paramref name="uid"/> (call after updating the profile).</summary>
    public void Invalidate(Guid uid) => _profiles.TryRemove(uid, out _);
}
