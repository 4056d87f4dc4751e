using System.Text.Json;
using System.Text.Json.Serialization;
using Scouter.Api;
using Scouter.Records;

namespace Scouter.Client;

/// <summary>Source-generated metadata for the API's request and response bodies (snake_case, enums as their wire names).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DictionaryKeyPolicy = JsonKnownNamingPolicy.Unspecified,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(ProfileInfo))]
[JsonSerializable(typeof(ProfileList))]
[JsonSerializable(typeof(CallerInfo))]
[JsonSerializable(typeof(StatusBody))]
[JsonSerializable(typeof(LoginBody))]
[JsonSerializable(typeof(RefreshBody))]
[JsonSerializable(typeof(TokenBody))]
[JsonSerializable(typeof(PsiDriftResponse))]
[JsonSerializable(typeof(SpcDriftResponse))]
[JsonSerializable(typeof(MetricDriftResponse))]
[JsonSerializable(typeof(AlertPage))]
[JsonSerializable(typeof(OverviewResponse))]
[JsonSerializable(typeof(Alert))]
[JsonSerializable(typeof(IngestReceipt))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class ClientJsonContext : JsonSerializerContext;
