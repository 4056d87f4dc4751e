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
    RespectRequiredConstructorParameters = true,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(DriftProfile))]
[JsonSerializable(typeof(RecordBatch))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(JsonNode))]
internal sealed partial class ScouterJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The same metadata without indentation: the wire form of record batches (about half the bytes
    /// of the indented form that profile files use).
    /// </summary>
    public static ScouterJsonContext Wire => field ??= new(new JsonSerializerOptions(Default.Options) { WriteIndented = false, TypeInfoResolver = null });

    /// <summary>
    /// This context with optional init-only properties of profiles and configs keeping their defaults when
    /// left out of the JSON. Use it (not <see cref="JsonSerializerContext.Options"/>' resolver alone) to
    /// read profiles; <see cref="DriftProfile.FromJson"/> and <see cref="DriftProfile.Load"/> do.
    /// </summary>
    // Lazy: the order of static initializers across the parts of this partial class (Default is generated) is undefined.
    public static IJsonTypeInfoResolver Resolver => field ??= JsonTypeInfoResolver.Combine(InitOnlyDefaultsResolver.Instance, Default);

    /// <summary>Metadata of <see cref="DriftProfile"/> through <see cref="Resolver"/>.</summary>
    internal static JsonTypeInfo<DriftProfile> Profile => field ??= CreateProfileTypeInfo();

    private static JsonTypeInfo<DriftProfile> CreateProfileTypeInfo()
    {
        var options = new JsonSerializerOptions(Default.Options) { TypeInfoResolver = Resolver };
        options.MakeReadOnly();
        return (JsonTypeInfo<DriftProfile>)options.GetTypeInfo(typeof(DriftProfile));
    }

    /// <summary>Reflection-based options with the same conventions, for user values of unknown type (LLM record fields).</summary>
    internal static JsonSerializerOptions Reflection { get; } = new(JsonSerializerDefaults.General)
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };
}
