using System.Text.Json;
using System.Text.Json.Serialization;
using Scouter.Records;

namespace Scouter.Server.Storage;

/// <summary>
/// Rejected records as JSON (<c>[{"index", "code", "field", "detail"}]</c>, the wire shape): the
/// <c>ingested_batches.rejected</c> column and the <c>rejected</c> array of a dead-lettered body.
/// </summary>
internal static class RejectedJson
{
    /// <summary>The list as JSON; null when it is empty (the column stays null for fully stored batches).</summary>
    public static string? Serialize(IReadOnlyList<RejectedRecord> rejected)
    {
        ArgumentNullException.ThrowIfNull(rejected);
        return rejected.Count == 0 ? null : JsonSerializer.Serialize(rejected, RejectedJsonContext.Default.IReadOnlyListRejectedRecord);
    }

    /// <summary>The list as JSON bytes (<c>[]</c> when empty).</summary>
    public static byte[] SerializeToUtf8Bytes(IReadOnlyList<RejectedRecord> rejected) =>
        JsonSerializer.SerializeToUtf8Bytes(rejected, RejectedJsonContext.Default.IReadOnlyListRejectedRecord);

    /// <summary>The list stored in a column (null or empty: none).</summary>
    public static IReadOnlyList<RejectedRecord> Parse(string? json) => string.IsNullOrEmpty(json)
        ? []
        : JsonSerializer.Deserialize(json, RejectedJsonContext.Default.IReadOnlyListRejectedRecord) ?? [];
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(IReadOnlyList<RejectedRecord>))]
internal sealed partial class RejectedJsonContext : JsonSerializerContext;
