using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Scouter.LlmEvaluation;

/// <summary>
/// The validated, ready-to-run form of one assertion metric: the expected value is checked against the
/// operator and a regular expression compiled once, at profile creation; evaluation is pure.
/// </summary>
internal sealed class AssertionEvaluator
{
    private readonly string _metric;
    private readonly FieldPath _field;
    private readonly AssertionOperator _operator;
    private readonly JsonNode? _literal;
    private readonly FieldPath? _reference;
    private readonly Regex? _regex;

    public AssertionEvaluator(string metric, FieldPath field, AssertionOperator op, JsonNode? expected)
    {
        _metric = metric;
        _field = field;
        _operator = op;
        var name = EnumNames.Of(op);
        var where = $"assertions.{metric}.expected";
        var kind = expected?.GetValueKind() ?? JsonValueKind.Null;

        if (op is AssertionOperator.IsEmpty or AssertionOperator.IsNotEmpty or AssertionOperator.IsJson or AssertionOperator.IsNumeric)
        {
            if (kind != JsonValueKind.Null) throw new ScouterConfigException(where, JsonValues.ToJson(expected), $"{name} takes no expected value");
            return;
        }
        if (kind == JsonValueKind.Null) throw new ScouterConfigException(where, null, $"{name} needs an expected value");

        if (kind == JsonValueKind.String && expected!.GetValue<string>() is var s && s.StartsWith("${", StringComparison.Ordinal) && s.EndsWith('}'))
        {
            if (op is AssertionOperator.Matches or AssertionOperator.InRange)
                throw new ScouterConfigException(where, s, $"{name} needs a literal expected value, not a reference into the record");
            _reference = FieldPath.TryParse(s[2..^1], out var path, out var reason)
                ? path
                : throw new ScouterConfigException(where, s, $"invalid reference ({reason}); expected ${{context.KEY}} or another record path");
            return;
        }

        _literal = expected;
        switch (op)
        {
            case AssertionOperator.GreaterThan or AssertionOperator.GreaterThanOrEqual or AssertionOperator.LessThan or AssertionOperator.LessThanOrEqual:
                if (kind != JsonValueKind.Number || !JsonValues.TryNumber(expected, out _))
                    throw new ScouterConfigException(where, JsonValues.ToJson(expected), $"{name} needs a finite number");
                break;
            case AssertionOperator.LengthLessThan or AssertionOperator.LengthGreaterThan:
                if (kind != JsonValueKind.Number || !JsonValues.TryNumber(expected, out var length) || length < 0 || length != Math.Floor(length))
                    throw new ScouterConfigException(where, JsonValues.ToJson(expected), $"{name} needs a non-negative integer");
                break;
            case AssertionOperator.InRange:
                if (!TryRange(expected, out var min, out var max) || min > max)
                    throw new ScouterConfigException(where, JsonValues.ToJson(expected), "in_range needs an array of two finite numbers [min, max] with min <= max");
                break;
            case AssertionOperator.StartsWith or AssertionOperator.EndsWith:
                if (kind is JsonValueKind.Array or JsonValueKind.Object)
                    throw new ScouterConfigException(where, JsonValues.ToJson(expected), $"{name} needs a string");
                break;
            case AssertionOperator.ContainsAll or AssertionOperator.ContainsAny or AssertionOperator.ContainsNone:
                if (expected is not JsonArray { Count: > 0 } items || items.Any(i => i is null))
                    throw new ScouterConfigException(where, JsonValues.ToJson(expected), $"{name} needs a non-empty array of values");
                break;
            case AssertionOperator.Matches:
                if (kind != JsonValueKind.String) throw new ScouterConfigException(where, JsonValues.ToJson(expected), "matches needs a regular expression string");
                try
                {
                    _regex = new Regex(expected!.GetValue<string>(), RegexOptions.CultureInvariant, AssertionMetric.RegexTimeout);
                }
                catch (ArgumentException ex)
                {
                    throw new ScouterConfigException(where, expected!.GetValue<string>(), $"invalid regular expression: {ex.Message}");
                }
                break;
        }
    }

    public AssertionResult Evaluate(LlmRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        JsonNode? expected = _literal;
        if (_reference is not null && !_reference.TryResolve(record, out expected))
            return new AssertionResult(_metric, null, $"the record has no value for the expected ${{{_reference.Text}}}", LlmErrors.MissingVariable);

        // An absent field reads as null: is_empty and not_equals pass, everything else fails.
        _field.TryResolve(record, out var actual);
        try
        {
            return Check(actual, expected) switch
            {
                Outcome.Pass => Result(1, $"passed: {Describe(actual)} {EnumNames.Of(_operator)}{Expecting(expected)}"),
                Outcome.Fail => Result(0, $"failed: {Describe(actual)} does not satisfy {EnumNames.Of(_operator)}{Expecting(expected)}"),
                _ => Result(0, $"failed: {_field.Text} is {Kind(actual)}; {EnumNames.Of(_operator)} needs {Needs()}{Expecting(expected)}"),
            };
        }
        catch (RegexMatchTimeoutException)
        {
            return new AssertionResult(_metric, null,
                string.Create(CultureInfo.InvariantCulture, $"the regular expression ran longer than {AssertionMetric.RegexTimeout.TotalMilliseconds} ms on {_field.Text}"),
                LlmErrors.RegexTimeout);
        }
    }

    private Outcome Check(JsonNode? actual, JsonNode? expected)
    {
        switch (_operator)
        {
            case AssertionOperator.EqualTo: return Is(JsonValues.Equal(actual, expected));
            case AssertionOperator.NotEqualTo: return Is(!JsonValues.Equal(actual, expected));
            case AssertionOperator.IsEmpty: return Is(IsEmpty(actual));
            case AssertionOperator.IsNotEmpty: return Is(!IsEmpty(actual));
            case AssertionOperator.IsNumeric: return Is(JsonValues.TryNumber(actual, out _));
            case AssertionOperator.IsJson: return actual is null ? Outcome.Mismatch : Is(IsJson(actual));
            case AssertionOperator.InRange:
                TryRange(expected, out var min, out var max);
                return JsonValues.TryNumber(actual, out var x) ? Is(x >= min && x <= max) : Outcome.Mismatch;
            case AssertionOperator.GreaterThan or AssertionOperator.GreaterThanOrEqual or AssertionOperator.LessThan or AssertionOperator.LessThanOrEqual:
                if (!JsonValues.TryNumber(actual, out var a) || !JsonValues.TryNumber(expected, out var b)) return Outcome.Mismatch;
                return Is(_operator switch
                {
                    AssertionOperator.GreaterThan => a > b,
                    AssertionOperator.GreaterThanOrEqual => a >= b,
                    AssertionOperator.LessThan => a < b,
                    _ => a <= b,
                });
            case AssertionOperator.LengthLessThan or AssertionOperator.LengthGreaterThan:
                if (Length(actual) is not { } length || !JsonValues.TryNumber(expected, out var limit)) return Outcome.Mismatch;
                return Is(_operator == AssertionOperator.LengthLessThan ? length < limit : length > limit);
            case AssertionOperator.Matches:
                return Text(actual) is { } subject ? Is(_regex!.IsMatch(subject)) : Outcome.Mismatch;
            case AssertionOperator.StartsWith or AssertionOperator.EndsWith:
                if (Text(actual) is not { } text || Text(expected) is not { } part) return Outcome.Mismatch;
                return Is(_operator == AssertionOperator.StartsWith
                    ? text.StartsWith(part, StringComparison.Ordinal)
                    : text.EndsWith(part, StringComparison.Ordinal));
            case AssertionOperator.Contains or AssertionOperator.NotContains:
                if (Holds(actual, expected) is not { } holds) return Outcome.Mismatch;
                return Is(holds == (_operator == AssertionOperator.Contains));
            default:
                if (expected is not JsonArray items) return Outcome.Mismatch;
                var found = new List<bool>(items.Count);
                foreach (var item in items)
                {
                    if (Holds(actual, item) is not { } hasItem) return Outcome.Mismatch;
                    found.Add(hasItem);
                }
                return Is(_operator switch
                {
                    AssertionOperator.ContainsAll => found.TrueForAll(f => f),
                    AssertionOperator.ContainsAny => found.Contains(true),
                    _ => !found.Contains(true),
                });
        }
    }

    /// <summary>Whether <paramref name="container"/> (text or array) holds <paramref name="item"/>; null on a type mismatch.</summary>
    private static bool? Holds(JsonNode? container, JsonNode? item)
    {
        if (container is JsonArray array) return array.Any(element => JsonValues.Equal(element, item));
        return Text(container) is { } text && Text(item) is { } part ? text.Contains(part, StringComparison.Ordinal) : null;
    }

    /// <summary>A scalar's text (strings raw, numbers and booleans as literals); null for absent, null, arrays and objects.</summary>
    private static string? Text(JsonNode? node) =>
        node?.GetValueKind() is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False
            ? JsonValues.ToText(node)
            : null;

    /// <summary>Characters (Unicode code points) of a string, items of an array or members of an object.</summary>
    private static int? Length(JsonNode? node) => node switch
    {
        JsonArray array => array.Count,
        JsonObject obj => obj.Count,
        _ when node?.GetValueKind() == JsonValueKind.String => node.GetValue<string>().EnumerateRunes().Count(),
        _ => null,
    };

    private static bool IsEmpty(JsonNode? node) => node switch
    {
        null => true,
        JsonArray array => array.Count == 0,
        JsonObject obj => obj.Count == 0,
        _ => node.GetValueKind() == JsonValueKind.String && node.GetValue<string>().Length == 0,
    };

    private static bool IsJson(JsonNode node)
    {
        if (node.GetValueKind() != JsonValueKind.String) return true;
        try
        {
            using var document = JsonDocument.Parse(node.GetValue<string>());
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool TryRange(JsonNode? node, out double min, out double max)
    {
        min = max = 0;
        return node is JsonArray { Count: 2 } pair
            && pair[0]?.GetValueKind() == JsonValueKind.Number && JsonValues.TryNumber(pair[0], out min)
            && pair[1]?.GetValueKind() == JsonValueKind.Number && JsonValues.TryNumber(pair[1], out max);
    }

    private string Needs() => _operator switch
    {
        AssertionOperator.GreaterThan or AssertionOperator.GreaterThanOrEqual or AssertionOperator.LessThan
            or AssertionOperator.LessThanOrEqual or AssertionOperator.InRange => "a number (or a numeric string) on both sides",
        AssertionOperator.LengthLessThan or AssertionOperator.LengthGreaterThan => "a string, array or object and a number",
        AssertionOperator.Contains or AssertionOperator.NotContains or AssertionOperator.ContainsAll
            or AssertionOperator.ContainsAny or AssertionOperator.ContainsNone => "a string or an array, and text items for a string (or an array of items)",
        AssertionOperator.IsJson => "a value",
        _ => "a string, number or boolean",
    };

    private string Describe(JsonNode? actual) => $"{_field.Text} = {Shorten(JsonValues.ToJson(actual))}";

    private string Expecting(JsonNode? expected) => _literal is null && _reference is null
        ? string.Empty
        : " " + Shorten(JsonValues.ToJson(expected)) + (_reference is null ? string.Empty : $" (from ${{{_reference.Text}}})");

    private static string Kind(JsonNode? node) => node is null ? "absent or null" : JsonValues.Kind(node);

    private static string Shorten(string text)
    {
        const int Max = 120;
        return text.Length <= Max ? text : JsonValues.Prefix(text, Max) + "…";
    }

    private static Outcome Is(bool pass) => pass ? Outcome.Pass : Outcome.Fail;

    private AssertionResult Result(double score, string message) => new(_metric, score, message, null);

    private enum Outcome
    {
        Pass,
        Fail,
        Mismatch,
    }
}
