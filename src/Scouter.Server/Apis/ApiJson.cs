using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Scouter.Serialization;

namespace Scouter.Server.Apis;

/// <summary>API JSON conventions: snake_case, enums as their snake_case names, strict numbers, no duplicate properties or keys, profiles and record batches through Scouter's source-generated metadata.</summary>
public static class ApiJson
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
        options.TypeInfoResolverChain.Insert(0, ScouterJsonContext.Default);
        options.TypeInfoResolverChain.Add(new DefaultJsonTypeInfoResolver());
    }

    /// <summary>Options with the API conventions, for code outside the HTTP pipeline.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Configure(options);
        options.MakeReadOnly();
        return options;
    }
}
