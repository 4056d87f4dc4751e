namespace Scouter.Server.Storage;

/// <summary>A registered profile row (the profile JSON and its schedule state).</summary>
/// <param name="Uid">Server-assigned uid.</param>
/// <param name="Space">Space.</param>
/// <param name="Name">Model name.</param>
/// <param name="Version">Version (unique with space, name and drift type).</param>
/// <param name="DriftType">Drift type.</param>
/// <param name="ProfileJson">The stored profile JSON (its config uid and version match the row).</param>
/// <param name="Active">Whether scheduled checks run.</param>
/// <param name="Schedule">Cron schedule of the check (copied from the alert config).</param>
/// <param name="TimeZone">IANA time zone of the schedule; null is UTC.</param>
/// <param name="NextRun">Next scheduled check; null while inactive.</param>
/// <param name="CreatedAt">Registration time.</param>
/// <param name="UpdatedAt">Last change.</param>
internal sealed record StoredProfile(
    Guid Uid, string Space, string Name, string Version, DriftType DriftType, string ProfileJson, bool Active,
    string Schedule, string? TimeZone, DateTimeOffset? NextRun, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>Optional filters of <see cref="IProfileStore.ListAsync"/>; null matches everything.</summary>
/// <param name="Space">Space.</param>
/// <param name="Name">Model name.</param>
/// <param name="Version">Version.</param>
/// <param name="DriftType">Drift type.</param>
internal sealed record ProfileFilter(string? Space = null, string? Name = null, string? Version = null, DriftType? DriftType = null);

/// <summary>Thrown by <see cref="IProfileStore.InsertAsync"/> when (space, name, version, drift type) already exists.</summary>
internal sealed class ProfileExistsException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ProfileExistsException(string message, Exception? inner = null) : base(message, inner)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ProfileExistsException() : this("The profile already exists.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public ProfileExistsException(string message) : this(message, null)
    {
    }
}

/// <summary>Profile registry. One implementation serves SQLite and PostgreSQL.</summary>
internal interface IProfileStore
{
    /// <summary>
    /// Inserts <paramref name="profile"/>. When it is active, <c>next_run</c> is computed from its
    /// schedule, and <paramref name="deactivateOthers"/> deactivates the other versions of the same
    /// (space, name, drift type) in the same transaction.
    /// </summary>
    /// <exception cref="ProfileExistsException">(space, name, version, drift type) exists.</exception>
    Task<StoredProfile> InsertAsync(StoredProfile profile, bool deactivateOthers, CancellationToken cancellationToken = default);

    /// <summary>The profile with <paramref name="uid"/>, or null.</summary>
    Task<StoredProfile?> GetAsync(Guid uid, CancellationToken cancellationToken = default);

    /// <summary>Profiles matching <paramref name="filter"/>, ordered by space, name, drift type, creation.</summary>
    Task<IReadOnlyList<StoredProfile>> ListAsync(ProfileFilter filter, CancellationToken cancellationToken = default);

    /// <summary>Every version registered for (space, name, drift type), in registration order.</summary>
    Task<IReadOnlyList<string>> ListVersionsAsync(string space, string name, DriftType driftType, CancellationToken cancellationToken = default);

    /// <summary>Replaces the profile JSON and schedule; an active profile's <c>next_run</c> is recomputed. Null when unknown.</summary>
    Task<StoredProfile?> UpdateAsync(Guid uid, string profileJson, string schedule, string? timeZone, CancellationToken cancellationToken = default);

    /// <summary>
    /// Activates (computing <c>next_run</c> from now) or deactivates (clearing it) a profile;
    /// <paramref name="deactivateOthers"/> deactivates the other versions of the same (space, name,
    /// drift type). Null when unknown.
    /// </summary>
    Task<StoredProfile?> SetActiveAsync(Guid uid, bool active, bool deactivateOthers, CancellationToken cancellationToken = default);
}
