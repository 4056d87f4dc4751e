using System.Text.Json;
using System.Text.Json.Serialization;

namespace Scouter.Api;

/// <summary>
/// A registered profile's metadata as the API returns it (<c>GET /profiles</c>, <c>PUT /profiles/{uid}/status</c>),
/// with the stored profile JSON where the route returns it (<c>POST /profiles</c>, <c>PUT /profiles/{uid}</c>).
/// </summary>
/// <param name="Uid">Server-assigned uid.</param>
/// <param name="Space">Space.</param>
/// <param name="Name">Model name.</param>
/// <param name="Version">Version.</param>
/// <param name="DriftType">Drift type.</param>
/// <param name="Active">Whether scheduled checks run.</param>
/// <param name="Schedule">Check schedule (cron).</param>
/// <param name="TimeZone">Schedule time zone (null: UTC).</param>
/// <param name="NextRun">Next scheduled check; null while inactive.</param>
/// <param name="CreatedAt">Registration time.</param>
/// <param name="UpdatedAt">Last change.</param>
/// <param name="Profile">The stored profile (registration and update answers); omitted from the JSON when null.</param>
public sealed record ProfileInfo(
    Guid Uid, string Space, string Name, string Version, DriftType DriftType, bool Active, string Schedule, string? TimeZone,
    DateTimeOffset? NextRun, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonElement? Profile = null);

/// <summary>Answer of <c>GET /profiles</c>.</summary>
/// <param name="Profiles">Matching profiles the caller may read (metadata only; fetch one for its JSON).</param>
public sealed record ProfileList(IReadOnlyList<ProfileInfo> Profiles);
