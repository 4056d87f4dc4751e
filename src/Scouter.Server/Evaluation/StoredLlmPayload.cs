using System.Text.Json;
using System.Text.Json.Nodes;

namespace Scouter.Server.Evaluation;

/// <summary>Reads a stored LLM record payload (<c>{"input", "response", "prompt", "context"}</c>, see RecordRules.LlmPayload) back into an <see cref="LlmRecord"/>.</summary>
internal static class StoredLlmPayload
{
    /// <summary>The record, or null with <paramref name="problem"/> when the payload is not such an object.</summary>
    public static LlmRecord? Read(string payload, out string? problem)
    {
        problem = null;
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(payload);
        }
        catch (JsonException ex)
        {
            problem = "invalid_payload: stored payload is not JSON (" + ex.Message + ")";
            return null;
        }
        if (node is not JsonObject json)
        {
            problem = "invalid_payload: stored payload is not a JSON object";
            return null;
        }
        var context = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (json["context"] is JsonObject values)
        {
            foreach (var (key, value) in values) context[key] = value;
        }
        try
        {
            return new LlmRecord(json["input"], json["response"], context, json["prompt"]);
        }
        catch (ArgumentException ex)
        {
            problem = "invalid_payload: " + ex.Message;
            return null;
        }
    }
}
