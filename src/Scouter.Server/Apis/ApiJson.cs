using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Scouter.Serialization;

namespace Scouter.Server.Apis;

/// <summary>API JSON conventions: snake_case, enums as their snake_case names, strict numbers, no duplicate properties or keys, profiles and record batches through Scouter's source-generated metadata.</summary>
internal static class ApiJson
{
    /// <summary>Applies the conventions to <paramref name="options"/>.</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = null;
        options.Converters.Add(new JsonStringEnumConverter());
        options.NumberHandling = JsonNumberHandling.Strict;
        options.AllowOutOfOrderMetadataProperties = true;
        options.RespectNullableAnnotations = true;
        // A repeated property or dictionary key ({"1": 27, "01": 7} in bin_counts) is ambiguous input;
        // last-wins would silently drop observations, so it is a 400 instead.
        options.AllowDuplicateProperties = false;
        // Resolver, not Default: profile fields left out keep their documented defaults.
        options.TypeInfoResolverChain.Insert(0, ScouterJsonContext.Resolver);
        options.TypeInfoResolverChain.Add(new DefaultJsonTypeInfoResolver());
    }

    /// <summary>Options with the API conventions, for code outside the HTTP pipeline.</summary>
    public static JsonSerializerOptions Options { get; } = Create(allowOutOfOrderMetadata: true);

    /// <summary>
    /// The same conventions but expecting discriminators (<c>type</c>, <c>drift_type</c>) first, as
    /// Scouter's clients write them: much cheaper, because out-of-order support buffers every object.
    /// Bodies that fail with these are read again with <see cref="Options"/>.
    /// </summary>
    internal static JsonSerializerOptions InOrderOptions { get; } = Create(allowOutOfOrderMetadata: false);

    private static JsonSerializerOptions Create(bool allowOutOfOrderMetadata)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Configure(options);
        options.AllowOutOfOrderMetadataProperties = allowOutOfOrderMetadata;
        options.MakeReadOnly();
        return options;
    }
}
