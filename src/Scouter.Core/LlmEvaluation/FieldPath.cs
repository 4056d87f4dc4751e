using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Scouter.LlmEvaluation;

/// <summary>
/// A path to a value of an <see cref="LlmRecord"/>, shared by prompt placeholders and assertion fields:
/// <c>input</c>, <c>response</c>, <c>prompt</c> or <c>context.KEY</c>, then any number of <c>.name</c>
/// (object member) and <c>[i]</c> (array element, from 0) steps. A step into a JSON string that holds a
/// JSON document (a response <c>'{"a": 1}'</c>) reads that document. Names are case-sensitive and hold
/// no whitespace, <c>.</c>, <c>[</c>, <c>]</c>, <c>$</c>, <c>{</c> or <c>}</c>. At most
/// <see cref="MaxLength"/> characters and <see cref="MaxDepth"/> steps after the root.
/// </summary>
public sealed class FieldPath
{
    /// <summary>Longest path accepted, in characters.</summary>
    public const int MaxLength = 256;

    /// <summary>Most <c>.name</c> / <c>[i]</c> steps accepted after the root (the context key is not a step).</summary>
    public const int MaxDepth = 32;

    private readonly Step[] _steps;

    private FieldPath(string text, FieldRoot root, string? contextKey, Step[] steps)
    {
        Text = text;
        Root = root;
        ContextKey = contextKey;
        _steps = steps;
    }

    /// <summary>The path as written.</summary>
    public string Text { get; }

    /// <summary>The record field the path starts from.</summary>
    public FieldRoot Root { get; }

    /// <summary>The context key when <see cref="Root"/> is <see cref="FieldRoot.Context"/>.</summary>
    public string? ContextKey { get; }

    /// <summary>Number of <c>.name</c> / <c>[i]</c> steps after the root.</summary>
    public int Depth => _steps.Length;

    /// <summary>Parses and validates a path.</summary>
    /// <param name="text">The path, for example <c>context.expected.label</c> or <c>response.items[0]</c>.</param>
    /// <param name="field">The configuration field named by errors, for example <c>assertions.exact.field</c>.</param>
    /// <exception cref="ScouterConfigException">The path is empty, too long, too deep or not in the grammar.</exception>
    public static FieldPath Parse(string? text, string field) =>
        TryParse(text, out var path, out var reason) ? path : throw new ScouterConfigException(field, Shorten(text), reason);

    /// <summary>Parses a path; on failure <paramref name="reason"/> says what is wrong.</summary>
    internal static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out FieldPath? path, out string reason)
    {
        path = null;
        reason = Parse(text, out var root, out var key, out var steps) ?? string.Empty;
        if (reason.Length > 0) return false;
        path = new FieldPath(text!, root, key, steps);
        return true;
    }

    private static string? Parse(string? text, out FieldRoot root, out string? key, out Step[] parsed)
    {
        root = FieldRoot.Input;
        key = null;
        parsed = [];
        if (string.IsNullOrEmpty(text)) return "a path is required (input, response, prompt or context.KEY)";
        if (text.Length > MaxLength)
            return string.Create(CultureInfo.InvariantCulture, $"a path is at most {MaxLength} characters (this one has {text.Length})");

        var position = 0;
        switch (ReadName(text, ref position))
        {
            case "input": root = FieldRoot.Input; break;
            case "response": root = FieldRoot.Response; break;
            case "prompt": root = FieldRoot.Prompt; break;
            case "context":
                root = FieldRoot.Context;
                if (position >= text.Length || text[position] != '.') return "context needs a key: context.KEY";
                position++;
                key = ReadName(text, ref position);
                if (key.Length == 0) return At("expected a context key after 'context.'", position);
                break;
            default:
                return "a path starts with input, response, prompt or context.KEY";
        }

        var steps = new List<Step>();
        while (position < text.Length)
        {
            var c = text[position++];
            if (c == '.')
            {
                var name = ReadName(text, ref position);
                if (name.Length == 0) return At("expected a name after '.'", position);
                steps.Add(new Step(name, -1));
            }
            else if (c == '[')
            {
                var close = text.IndexOf(']', position);
                var digits = close < 0 ? string.Empty : text[position..close];
                if (digits.Length == 0 || !digits.All(char.IsAsciiDigit)
                    || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                    return At("expected an index [0], [1], ... (a non-negative integer in brackets)", position);
                steps.Add(new Step(null, index));
                position = close + 1;
            }
            else
            {
                return At("expected '.name' or '[index]'", position - 1);
            }
            if (steps.Count > MaxDepth)
                return string.Create(CultureInfo.InvariantCulture, $"a path has at most {MaxDepth} steps after its root");
        }
        parsed = [.. steps];
        return null;
    }

    /// <summary>
    /// Finds the value at this path in <paramref name="record"/>; false when the record lacks it (a null or
    /// absent field, a missing context key, member or element, or a step into a scalar).
    /// </summary>
    public bool TryResolve(LlmRecord record, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out JsonNode? value)
    {
        ArgumentNullException.ThrowIfNull(record);
        JsonNode? node = Root switch
        {
            FieldRoot.Input => record.Input,
            FieldRoot.Response => record.Response,
            FieldRoot.Prompt => record.Prompt,
            _ => record.Context.GetValueOrDefault(ContextKey!),
        };
        foreach (var step in _steps)
        {
            if (node is null) break;
            node = Into(node, step);
        }
        value = node;
        return node is not null;
    }

    /// <inheritdoc />
    public override string ToString() => Text;

    private static JsonNode? Into(JsonNode node, Step step)
    {
        var container = node.GetValueKind() == JsonValueKind.String ? ParseEmbedded(node.GetValue<string>()) : node;
        return (container, step.Name) switch
        {
            (JsonObject obj, { } name) => obj.TryGetPropertyValue(name, out var child) ? child : null,
            (JsonArray array, null) => step.Index < array.Count ? array[step.Index] : null,
            _ => null,
        };
    }

    private static JsonNode? ParseEmbedded(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string ReadName(string text, ref int position)
    {
        var start = position;
        while (position < text.Length && IsNameChar(text[position])) position++;
        return text[start..position];
    }

    private static bool IsNameChar(char c) => c is not ('.' or '[' or ']' or '$' or '{' or '}') && !char.IsWhiteSpace(c);

    private static string At(string reason, int position) =>
        string.Create(CultureInfo.InvariantCulture, $"{reason} at character {position + 1}");

    private static string? Shorten(string? text) => text is { Length: > 64 } ? text[..64] + "…" : text;

    private readonly record struct Step(string? Name, int Index);
}
