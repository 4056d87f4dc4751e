using System.Text;
using Scouter.LlmEvaluation;

namespace Scouter.Drift;

/// <summary>
/// An LLM judge prompt with <c>${input}</c>, <c>${response}</c>, <c>${prompt}</c> and
/// <c>${context.KEY}</c> placeholders, each a <see cref="FieldPath"/> (so <c>${context.user.id}</c> and
/// <c>${response.items[0]}</c> reach into JSON values; spec/drift-math.md 4). Parsed and validated once.
/// Rendering inserts strings raw (no quotes), numbers and booleans as invariant literals, objects and
/// arrays as compact JSON, and never expands a <c>${...}</c> inside an inserted value.
/// </summary>
public sealed class PromptTemplate
{
    private readonly Segment[] _segments;

    private PromptTemplate(string text, Segment[] segments)
    {
        Text = text;
        _segments = segments;
        ContextKeys = segments.Select(s => s.Path?.ContextKey).OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>The template as written.</summary>
    public string Text { get; }

    /// <summary>The distinct context keys the placeholders start from, in order of first use.</summary>
    public IReadOnlyList<string> ContextKeys { get; }

    /// <summary>Whether the template uses <c>${prompt}</c> (or a path into it).</summary>
    public bool UsesPrompt => _segments.Any(s => s.Path?.Root == FieldRoot.Prompt);

    /// <summary>Parses and validates a template.</summary>
    /// <param name="text">The template.</param>
    /// <param name="field">The configuration field named by errors (default <c>prompt</c>).</param>
    /// <exception cref="ScouterConfigException">An unknown, invalid or unterminated placeholder.</exception>
    public static PromptTemplate Parse(string text, string field = "prompt")
    {
        if (text is null) throw new ScouterConfigException(field, null, "is required");
        var segments = new List<Segment>();
        var position = 0;
        while (position < text.Length)
        {
            var open = text.IndexOf("${", position, StringComparison.Ordinal);
            if (open < 0)
            {
                segments.Add(new Segment(text[position..], null));
                break;
            }
            if (open > position) segments.Add(new Segment(text[position..open], null));

            var close = text.IndexOf('}', open + 2);
            if (close < 0)
                throw new ScouterConfigException(field, text[open..], "unterminated placeholder: '${' without a closing '}'");
            segments.Add(new Segment(null, Placeholder(text[(open + 2)..close], field)));
            position = close + 1;
        }
        return new PromptTemplate(text, [.. segments]);
    }

    private static FieldPath Placeholder(string name, string field) =>
        FieldPath.TryParse(name, out var path, out var reason)
            ? path
            : throw new ScouterConfigException(field, "${" + name + "}",
                $"unknown placeholder ({reason}); expected ${{input}}, ${{response}}, ${{prompt}} or ${{context.KEY}}, optionally followed by .name or [i]");

    /// <summary>
    /// Renders the template for <paramref name="record"/>; a placeholder whose value the record lacks (null or
    /// absent field, missing context key or path) gives <see cref="LlmErrors.MissingVariable"/> naming it.
    /// </summary>
    public PromptRenderResult Render(LlmRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var builder = new StringBuilder(Text.Length * 2);
        foreach (var segment in _segments)
        {
            if (segment.Path is null)
            {
                builder.Append(segment.Literal);
            }
            else if (segment.Path.TryResolve(record, out var value))
            {
                builder.Append(JsonValues.ToText(value));
            }
            else
            {
                return PromptRenderResult.Missing(segment.Path);
            }
        }
        return new PromptRenderResult(builder.ToString(), null, null);
    }

    /// <inheritdoc />
    public override string ToString() => Text;

    private readonly record struct Segment(string? Literal, FieldPath? Path);
}
