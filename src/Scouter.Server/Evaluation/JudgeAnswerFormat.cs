using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI.Chat;
using ChatResponseFormat = Microsoft.Extensions.AI.ChatResponseFormat;

namespace Scouter.Server.Evaluation;

/// <summary>The one place that says how the judge's answer <c>{"score": number, "reason": string}</c> is requested.</summary>
internal static class JudgeAnswerFormat
{
    /// <summary>Name of the JSON schema sent with <see cref="JudgeResponseFormat.JsonSchema"/>.</summary>
    public const string SchemaName = "judge_answer";

    private const string SchemaDescription = "A score for the answer under review and the reason for it.";

    /// <summary>
    /// Sets the response format for <paramref name="format"/> on <paramref name="options"/>: none for
    /// <see cref="JudgeResponseFormat.Text"/>. The OpenAI adapter of Microsoft.Extensions.AI rewrites every schema
    /// for OpenAI's strict mode, moving <c>minimum</c>/<c>maximum</c> into a description; the schema is
    /// therefore also handed to the OpenAI client as it is, so the score range reaches the server as keywords.
    /// </summary>
    public static void Apply(ChatOptions options, JudgeResponseFormat format, double? minScore, double? maxScore)
    {
        switch (format)
        {
            case JudgeResponseFormat.JsonSchema:
                var schema = Schema(minScore, maxScore);
                options.ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, SchemaName, SchemaDescription);
                options.RawRepresentationFactory = _ => new ChatCompletionOptions
                {
                    ResponseFormat = OpenAI.Chat.ChatResponseFormat.CreateJsonSchemaFormat(
                        SchemaName, BinaryData.FromString(schema.GetRawText()), SchemaDescription),
                };
                break;
            case JudgeResponseFormat.JsonObject:
                options.ResponseFormat = ChatResponseFormat.Json;
                break;
            default:
                options.ResponseFormat = null;
                break;
        }
    }

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
