using System.Text;

namespace Scouter.Drift;

/// <summary>
/// An LLM judge prompt with <c>${input}</c>, <c>${response}</c>, <c>${prompt}</c> and
/// <c>${context.KEY}</c> placeholders (spec/drift-math.md 4). Parsed once; rendering substitutes
/// values verbatim, so a value that itself contains <c>${...}</c> is never expanded.
/// </summary>
public sealed class PromptTemplate
{
    private const string ContextPrefix = "context.";

    private readonly Segment[] _segments;

    private PromptTemplate(string text, Segment[] segments, IReadOnlyList<string> contextKeys)
    {
        Text = text;
        _segments = segments;
        ContextKeys = contextKeys;
    }

    /// <summary>The template as written.</summary>
    public string Text { get; }

    /// <summary>The distinct <c>${context.KEY}</c> keys, in order of first use.</summary>
    public IReadOnlyList<string> ContextKeys { get; }

    /// <summary>Whether the template uses <c>${prompt}</c>.</summary>
    public bool UsesPrompt => _segments.Any(s => s.Kind == SegmentKind.Prompt);

    /// <summary>Parses and validates a template.</summary>
    /// <exception cref="ScouterConfigException">An unknown or unterminated placeholder (field <c>prompt</c>).</exception>
    public static PromptTemplate Parse(string text)
    {
        if (text is null) throw new ScouterConfigException("prompt", null, "is required");
        var segments = new List<Segment>();
        var keys = new List<string>();
        var position = 0;
        while (position < text.Length)
        {
            var open = text.IndexOf("${", position, StringComparison.Ordinal);
            if (open < 0)
            {
                segments.Add(new Segment(SegmentKind.Literal, text[position..]));
                break;
            }
            if (open > position) segments.Add(new Segment(SegmentKind.Literal, text[position..open]));

            var close = text.IndexOf('}', open + 2);
            if (close < 0)
                throw new ScouterConfigException("prompt", text[open..], "unterminated placeholder: '${' without a closing '}'");
            var name = text[(open + 2)..close];
            segments.Add(Placeholder(name, keys));
            position = close + 1;
        }
        return new PromptTemplate(text, [.. segments], keys);
    }

    private static Segment Placeholder(string name, List<string> keys)
    {
        switch (name)
        {
            case "input": return new Segment(SegmentKind.Input, name);
            case "response": return new Segment(SegmentKind.Response, name);
            case "prompt": return new Segment(SegmentKind.Prompt, name);
        }
        if (name.StartsWith(ContextPrefix, StringComparison.Ordinal))
        {
            var key = name[ContextPrefix.Length..];
            if (key.Length > 0 && !key.Any(char.IsWhiteSpace) && !key.Contains("${", StringComparison.Ordinal))
            {
                if (!keys.Contains(key, StringComparer.Ordinal)) keys.Add(key);
                return new Segment(SegmentKind.Context, key);
            }
        }
        throw new ScouterConfigException("prompt", "${" + name + "}",
            "unknown placeholder; expected ${input}, ${response}, ${prompt} or ${context.KEY}");
    }

    /// <summary>Renders the template.</summary>
    /// <param name="input">Value of <c>${input}</c>.</param>
    /// <param name="response">Value of <c>${response}</c>.</param>
    /// <param name="prompt">Value of <c>${prompt}</c>; required when the template uses it.</param>
    /// <param name="context">Values of <c>${context.KEY}</c>; must hold every key in <see cref="ContextKeys"/>.</param>
    /// <exception cref="ArgumentException">A used context key is missing, or <c>${prompt}</c> is used and <paramref name="prompt"/> is null.</exception>
    public string Render(string input, string response, string? prompt, IReadOnlyDictionary<string, string> context)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(context);
        var builder = new StringBuilder(Text.Length + input.Length + response.Length);
        foreach (var segment in _segments)
        {
            builder.Append(segment.Kind switch
            {
                SegmentKind.Literal => segment.Value,
                SegmentKind.Input => input,
                SegmentKind.Response => response,
                SegmentKind.Prompt => prompt ?? throw new ArgumentException("The template uses ${prompt} but the record has no prompt.", nameof(prompt)),
                SegmentKind.Context => context.TryGetValue(segment.Value, out var value)
                    ? value
                    : throw new ArgumentException($"The template uses ${{context.{segment.Value}}} but the record's context has no key '{segment.Value}'.", nameof(context)),
                _ => throw new InvalidOperationException("Unknown segment kind."),
            });
        }
        return builder.ToString();
    }

    /// <inheritdoc />
    public override string ToString() => Text;

    private enum SegmentKind
    {
        Literal,
        Input,
        Response,
        Prompt,
        Context,
    }

    private readonly record struct Segment(SegmentKind Kind, string Value);
}
