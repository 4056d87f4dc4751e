using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Scouter.Server.Evaluation;

/// <summary>The one place that says how the judge's answer <c>{"score": number, "reason": string}</c> is requested.</summary>
internal static class JudgeAnswerFormat
{
    /// <summary>Name of the JSON schema sent with <see cref="JudgeResponseFormat.JsonSchema"/>.</summary>
    public const string SchemaName = "judge_answer";

    /// <summary>The response format for <paramref name="format"/>; null for <see cref="JudgeResponseFormat.Text"/> (none sent).</summary>
    public static ChatResponseFormat? For(JudgeResponseFormat format, double? minScore, double? maxScore) => format switch
    {
        JudgeResponseFormat.JsonSchema => ChatResponseFormat.ForJsonSchema(Schema(minScore, maxScore), SchemaName, "A score for the answer under review and the reason for it."),
        JudgeResponseFormat.JsonObject => ChatResponseFormat.Json,
        _ => null,
    };

    /// <summary>
    /// <c>score</c> (a number, within the metric's range when it has one) and <c>reason</c> (a string), both
    /// required, nothing else.
    /// </summary>
    public static JsonElement Schema(double? minScore, double? maxScore)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("type", "object");
            w.WriteStartObject("properties");
            w.WriteStartObject("score");
            w.WriteString("type", "number");
            if (minScore is { } min) w.WriteNumber("minimum", min);
            if (maxScore is { } max) w.WriteNumber("maximum", max);
            w.WriteEndObject();
            w.WriteStartObject("reason");
            w.WriteString("type", "string");
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartArray("required");
            w.WriteStringValue("score");
            w.WriteStringValue("reason");
            w.WriteEndArray();
            w.WriteBoolean("additionalProperties", false);
            w.WriteEndObject();
        }
        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}
