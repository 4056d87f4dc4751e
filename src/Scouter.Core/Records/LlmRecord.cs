using System.Text.Json;
using System.Text.Json.Nodes;

namespace Scouter;

/// <summary>
/// One LLM interaction sent for judging: input, response, optional prompt and context. Values may
/// be strings, numbers, lists, dictionaries or any JSON-serializable object; they are converted to
/// JSON when the record is built, and a value that cannot be serialized throws naming the field.
/// </summary>
public sealed class LlmRecord
{
    /// <summary>Creates a record.</summary>
    public LlmRecord(object? input, object? response, IReadOnlyDictionary<string, object?>? context = null, object? prompt = null)
    {
        Input = ToNode("input", input);
        Response = ToNode("response", response);
        Prompt = ToNode("prompt", prompt);
        var ctx = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        if (context is not null)
        {
            foreach (var (key, value) in context)
            {
                ArgumentException.ThrowIfNullOrWhiteSpace(key, nameof(context));
                ctx[key] = ToNode($"context.{key}", value);
            }
        }
        Context = ctx;
    }

    /// <summary>What the LLM service was asked.</summary>
    public JsonNode? Input { get; }

    /// <summary>What it answered.</summary>
    public JsonNode? Response { get; }

    /// <summary>The prompt used, if any.</summary>
    public JsonNode? Prompt { get; }

    /// <summary>Extra values for <c>${context.KEY}</c> placeholders.</summary>
    public IReadOnlyDictionary<string, JsonNode?> Context { get; }

    private static JsonNode? ToNode(string field, object? value)
    {
        try
        {
            return value switch
            {
                null => null,
                JsonNode node => node.DeepClone(),
                JsonElement element => JsonSerializer.SerializeToNode(element, Serialization.ScouterJsonContext.Default.JsonElement),
                string s => JsonValue.Create(s),
                _ => JsonSerializer.SerializeToNode(value, value.GetType(), Serialization.ScouterJsonContext.Reflection),
            };
        }
        catch (Exception ex) when (ex is NotSupportedException or JsonException or InvalidOperationException)
        {
            throw new ArgumentException($"LLM record field '{field}' is not JSON-serializable ({value!.GetType().Name}): {ex.Message}", field, ex);
        }
    }
}
