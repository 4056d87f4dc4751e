using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Scouter.LlmEvaluation;

/// <summary>How record values become text and numbers, shared by prompt rendering and assertions.</summary>
internal static class JsonValues
{
    // Relaxed escaping: the judge reads the text, so "é" stays "é" rather than "\u00E9".
    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Strings raw (no quotes), numbers and booleans as their JSON literal, objects and arrays as compact JSON.</summary>
    public static string ToText(JsonNode node) =>
        node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : ToJson(node);

    public static string ToJson(JsonNode? node)
    {
        if (node is null) return "null";
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Compact))
        {
            node.WriteTo(writer);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>A JSON number, or a string holding a finite invariant number (surrounding whitespace allowed).</summary>
    public static bool TryNumber(JsonNode? node, out double value)
    {
        value = 0;
        return node?.GetValueKind() switch
        {
            JsonValueKind.Number => double.TryParse(ToJson(node), NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value),
            JsonValueKind.String => TryNumber(node.GetValue<string>(), out value),
            _ => false,
        };
    }

    public static bool TryNumber(string text, out double value) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    /// <summary>JSON equality: same kind, numbers by value, strings ordinal, arrays in order, objects by member set.</summary>
    public static bool Equal(JsonNode? a, JsonNode? b)
    {
        var kind = a?.GetValueKind() ?? JsonValueKind.Null;
        if (kind != (b?.GetValueKind() ?? JsonValueKind.Null)) return false;
        return kind switch
        {
            JsonValueKind.Null => true,
            JsonValueKind.Number => TryNumber(a, out var x) && TryNumber(b, out var y) ? x.Equals(y) : ToJson(a) == ToJson(b),
            JsonValueKind.String => string.Equals(a!.GetValue<string>(), b!.GetValue<string>(), StringComparison.Ordinal),
            JsonValueKind.Array => a!.AsArray().Count == b!.AsArray().Count && a.AsArray().Zip(b.AsArray()).All(p => Equal(p.First, p.Second)),
            JsonValueKind.Object => a!.AsObject().Count == b!.AsObject().Count
                && a.AsObject().All(p => b.AsObject().TryGetPropertyValue(p.Key, out var other) && Equal(p.Value, other)),
            _ => true, // true / false: same kind is same value
        };
    }

    /// <summary>The JSON kind of a value for messages ("a string", "an array", ...).</summary>
    public static string Kind(JsonNode? node) => node?.GetValueKind() switch
    {
        null or JsonValueKind.Null => "null",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Number => "a number",
        JsonValueKind.String => "a string",
        JsonValueKind.Array => "an array",
        _ => "an object",
    };

    /// <summary>The first <paramref name="max"/> characters of <paramref name="text"/>, never cutting a surrogate pair in half.</summary>
    public static string Prefix(string text, int max) =>
        text.Length <= max ? text : text[..(char.IsHighSurrogate(text[max - 1]) ? max - 1 : max)];
}
