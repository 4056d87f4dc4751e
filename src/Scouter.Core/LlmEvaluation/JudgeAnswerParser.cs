using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Scouter.LlmEvaluation;

/// <summary>
/// Reads a judge's answer <c>{"score": number, "reason": string}</c>. Code fences and prose around one
/// JSON object are tolerated, and so is a score written as a numeric string (<c>"4"</c>, <c>" 4.5 "</c>).
/// Rejected with <see cref="LlmErrors.JudgeOutputInvalid"/>: no JSON object, invalid JSON, more than one
/// object with a <c>score</c>, a missing, non-numeric or non-finite score (NaN, Infinity), a reason that
/// is not a string, and a score outside the metric's <see cref="ScoreRange"/> (bounds included). A missing
/// or null <c>reason</c> is read as an empty reason.
/// </summary>
public static class JudgeAnswerParser
{
    /// <summary>How many leading characters of an invalid answer are kept in <see cref="JudgeAnswerResult.Excerpt"/>.</summary>
    public const int ExcerptLength = 500;

    /// <summary>Parses <paramref name="text"/>; <paramref name="range"/> (optional) bounds the score.</summary>
    public static JudgeAnswerResult Parse(string? text, ScoreRange? range)
    {
        if (string.IsNullOrWhiteSpace(text)) return Invalid(text, "the answer is empty");

        var candidates = Objects(text, out var firstError);
        if (candidates.Count == 0)
        {
            return Invalid(text, firstError is null
                ? "the answer holds no JSON object; expected {\"score\": number, \"reason\": string}"
                : $"the answer's JSON is invalid: {firstError}");
        }
        var scored = candidates.Where(c => c.ContainsKey("score")).ToList();
        if (scored.Count > 1) return Invalid(text, $"the answer holds {scored.Count} JSON objects with a score; expected exactly one");
        if (scored.Count == 0) return Invalid(text, "the answer's JSON object has no \"score\"");

        var answer = scored[0];
        if (!TryScore(answer["score"], out var score, out var scoreError)) return Invalid(text, scoreError);
        if (range is not null && !range.Contains(score))
            return Invalid(text, string.Create(CultureInfo.InvariantCulture, $"score {score} is outside score_range {range}"));

        var reason = answer["reason"];
        if (reason is not null && reason.GetValueKind() != JsonValueKind.String)
            return Invalid(text, $"\"reason\" must be a string, not {JsonValues.Kind(reason)}");
        return new JudgeAnswerResult(new JudgeAnswer(score, reason?.GetValue<string>() ?? string.Empty), null, null, null);
    }

    private static bool TryScore(JsonNode? node, out double score, out string error)
    {
        error = string.Empty;
        score = 0;
        switch (node?.GetValueKind())
        {
            case JsonValueKind.Number:
                if (JsonValues.TryNumber(node, out score)) return true;
                error = "\"score\" must be a finite number";
                return false;
            case JsonValueKind.String:
                var raw = node.GetValue<string>();
                if (JsonValues.TryNumber(raw, out score)) return true;
                error = $"\"score\" '{raw}' is not a finite number";
                return false;
            default:
                error = $"\"score\" must be a number, not {JsonValues.Kind(node)}";
                return false;
        }
    }

    /// <summary>The outermost JSON objects in <paramref name="text"/>, left to right; brace runs that are not valid JSON are skipped.</summary>
    private static List<JsonObject> Objects(string text, out string? firstError)
    {
        firstError = null;
        var found = new List<JsonObject>();
        var position = text.IndexOf('{', StringComparison.Ordinal);
        while (position >= 0)
        {
            var end = MatchingBrace(text, position);
            if (end < 0)
            {
                position = text.IndexOf('{', position + 1);
                continue;
            }
            try
            {
                if (JsonNode.Parse(text.AsSpan(position, end - position + 1).ToString()) is JsonObject obj)
                {
                    found.Add(obj);
                    position = text.IndexOf('{', end + 1);
                    continue;
                }
            }
            catch (JsonException ex)
            {
                firstError ??= ex.Message.Split(" Path:", 2)[0];
            }
            position = text.IndexOf('{', position + 1);
        }
        return found;
    }

    /// <summary>Index of the '}' closing the '{' at <paramref name="open"/>, skipping braces inside JSON strings; -1 when unbalanced.</summary>
    private static int MatchingBrace(string text, int open)
    {
        var depth = 0;
        var inString = false;
        for (var i = open; i < text.Length; i++)
        {
            var c = text[i];
            if (inString)
            {
                if (c == '\\') i++;
                else if (c == '"') inString = false;
            }
            else if (c == '"') inString = true;
            else if (c == '{') depth++;
            else if (c == '}' && --depth == 0) return i;
        }
        return -1;
    }

    private static JudgeAnswerResult Invalid(string? text, string message) =>
        new(null, LlmErrors.JudgeOutputInvalid, message, JsonValues.Prefix(text ?? string.Empty, ExcerptLength));
}
