using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Scouter.Records;

namespace Scouter.Serialization;

/// <summary>Source-generated JSON metadata for profiles and record batches (snake_case, enums as strings).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DictionaryKeyPolicy = JsonKnownNamingPolicy.Unspecified,
    UseStringEnumConverter = true,
    WriteIndented = true,
    AllowOutOfOrderMetadataProperties = true,
    RespectNullableAnnotations = true,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(DriftProfile))]
[JsonSerializable(typeof(RecordBatch))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(JsonNode))]
public sealed partial class ScouterJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The same metadata without indentation: the wire form of record batches (about half the bytes
    /// of the indented form that profile files use).
    /// </summary>
    public static ScouterJsonContext Wire => WireHolder.Instance;

    /// <summary>Reflection-based options with the same conventions, for user values of unknown type (LLM record fields).</summary>
    internal static JsonSerializerOptions Reflection { get; } = new(JsonSerializerDefaults.General)
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    // A holder, so that the generated Default (in another part of this class) exists when Wire is built.
    private static class WireHolder
    {
        public static readonly ScouterJsonContext Instance = new(new JsonSerializerOptions(Default.Options) { WriteIndented = false, TypeInfoResolver = null });
    }
}
