using System.Text.Json.Nodes;

namespace Scouter.Core.Tests.LlmEvaluation;

/// <summary>LLM records written as JSON text, the way the server rebuilds them from a stored payload.</summary>
internal static class Records
{
    public static LlmRecord Of(string? responseJson, string? contextJson = null, string? inputJson = "\"the input\"", string? promptJson = null)
    {
        var context = contextJson is null
            ? null
            : JsonNode.Parse(contextJson)!.AsObject().ToDictionary(p => p.Key, p => (object?)p.Value, StringComparer.Ordinal);
        return new LlmRecord(Parse(inputJson), Parse(responseJson), context, Parse(promptJson));
    }

    private static JsonNode? Parse(string? json) => json is null ? null : JsonNode.Parse(json);
}
