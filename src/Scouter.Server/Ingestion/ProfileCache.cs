using System.Collections.Concurrent;
using System.Collections.Frozen;
using Scouter.Server.Storage;

namespace Scouter.Server.Ingestion;

/// <summary>A stored profile parsed once, with the name sets ingestion validates against.</summary>
public sealed class CachedProfile
{
    internal CachedProfile(StoredProfile row, DriftProfile profile)
    {
        Row = row;
        Profile = profile;
        Names = profile switch
        {
            PsiDriftProfile psi => psi.Features.Keys.ToFrozenSet(StringComparer.Ordinal),
            SpcDriftProfile spc => spc.Features.Keys.ToFrozenSet(StringComparer.Ordinal),
            CustomDriftProfile custom => custom.Metrics.Select(m => m.Name).ToFrozenSet(StringComparer.Ordinal),
            LlmDriftProfile llm => llm.Metrics.Select(m => m.Name).ToFrozenSet(StringComparer.Ordinal),
            _ => FrozenSet<string>.Empty,
        };
    }

    /// <summary>The row as loaded (its <c>active</c>/<c>next_run</c> may be stale; identity and drift math never are).</summary>
    public StoredProfile Row { get; }

    /// <summary>The parsed profile.</summary>
    public DriftProfile Profile { get; }

    /// <summary>Feature names (PSI, SPC) or metric names (custom, LLM).</summary>
    public FrozenSet<string> Names { get; }
}

/// <summary>
/// Profiles by uid, parsed once. The drift-math fields and identity of a stored profile never change
/// (PUT only replaces alert settings), so entries stay valid across replicas; a local update
/// invalidates the entry anyway so readers see the new alert config.
/// </summary>
public sealed class ProfileCache
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
