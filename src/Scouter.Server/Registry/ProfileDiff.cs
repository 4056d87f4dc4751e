using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Scouter.Server.Registry;

/// <summary>
/// Compares two profiles as JSON trees, for the two rules that need it: what <c>PUT /profiles/{uid}</c>
/// may not change, and whether a registration repeats the stored profile. Objects compare by key
/// (order does not matter), arrays element by element.
/// </summary>
internal static class ProfileDiff
{
    /// <summary>What the server owns (uid, version, creation stamp, library version) and PUT may change (alert config).</summary>
    private static readonly FrozenSet<string> UpdateIgnores = FrozenSet.Create(StringComparer.Ordinal,
        "profile.config.alert_config", "profile.config.uid", "profile.config.version", "profile.created_at", "profile.scouter_version");

    /// <summary>
    /// What the server assigns or the profile carries as a stamp rather than as content: the uid (fresh on every
    /// registration), when and with which library version it was created. The version is part of the
    /// registration key, so it is equal anyway.
    /// </summary>
    private static readonly FrozenSet<string> IdentityIgnores = FrozenSet.Create(StringComparer.Ordinal,
        "profile.config.uid", "profile.created_at", "profile.scouter_version");

    /// <summary>
    /// The first path where <paramref name="incoming"/> changes a drift-math field of <paramref name="stored"/>,
    /// e.g. <c>profile.metrics[0].baseline</c>; null when only the alert config or server-owned fields differ.
    /// </summary>
    public static string? FirstImmutableDifference(JsonNode? stored, JsonNode? incoming) => FirstDifference(stored, incoming, "profile", UpdateIgnores);

    /// <summary>
    /// The first path where the contents of two profiles differ — drift math and config, alert config
    /// included — ignoring uid, <c>created_at</c> and <c>scouter_version</c>; null when they are identical.
    /// Both sides should be serialized from a parsed <see cref="DriftProfile"/>, so that a field left out
    /// and the same field written with its default value compare equal.
    /// </summary>
    public static string? FirstContentDifference(JsonNode? stored, JsonNode? incoming) => FirstDifference(stored, incoming, "profile", IdentityIgnores);

    private static string? FirstDifference(JsonNode? stored, JsonNode? incoming, string path, FrozenSet<string> ignored)
    {
        if (ignored.Contains(path)) return null;
        switch (stored, incoming)
        {
            case (JsonObject a, JsonObject b):
                foreach (var key in a.Select(p => p.Key).Union(b.Select(p => p.Key)))
                {
                    a.TryGetPropertyValue(key, out var av);
                    b.TryGetPropertyValue(key, out var bv);
                    if (FirstDifference(av, bv, path + "." + key, ignored) is { } diff) return diff;
                }
                return null;
            case (JsonArray a, JsonArray b):
                if (a.Count != b.Count) return path;
                for (var i = 0; i < a.Count; i++)
                {
                    if (FirstDifference(a[i], b[i], string.Create(CultureInfo.InvariantCulture, $"{path}[{i}]"), ignored) is { } diff) return diff;
                }
                return null;
            default:
                return JsonNode.DeepEquals(stored, incoming) ? null : path;
        }
    }
}
