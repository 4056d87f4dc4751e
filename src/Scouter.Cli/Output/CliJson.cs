using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Scouter.Api;
using Scouter.Cli.Connection;
using Scouter.Client;

namespace Scouter.Cli;

/// <summary>
/// What the server commands print with <c>--json</c>: the API's own shapes (snake_case, enums by their wire
/// names, the same options the client reads them with), one document on one line.
/// </summary>
internal static class CliJson
{
    // stdout is read by programs, not embedded in HTML: '+' in an offset stays '+', not \u002B.
    private static readonly JsonSerializerOptions Text = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes <paramref name="value"/>, with <paramref name="first"/> properties before its own (an object then).</summary>
    public static Task WriteAsync<T>(CliContext context, T value, JsonTypeInfo<T> type, params (string Name, JsonNode? Value)[] first)
    {
        var document = JsonSerializer.SerializeToNode(value, type);
        for (var i = 0; i < first.Length; i++) document!.AsObject().Insert(i, first[i].Name, first[i].Value);
        return context.Out.WriteLineAsync(document?.ToJsonString(Text) ?? "null");
    }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DictionaryKeyPolicy = JsonKnownNamingPolicy.Unspecified,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(CallerInfo))]
[JsonSerializable(typeof(ProfileInfo))]
[JsonSerializable(typeof(ProfileList))]
[JsonSerializable(typeof(PsiDriftResponse))]
[JsonSerializable(typeof(SpcDriftResponse))]
[JsonSerializable(typeof(MetricDriftResponse))]
[JsonSerializable(typeof(AlertPage))]
[JsonSerializable(typeof(Alert))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(SavedLogin))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
