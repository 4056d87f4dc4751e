using System.Text.Json;
using System.Text.Json.Serialization;

namespace Scouter;

/// <summary>How an <see cref="AssertionMetric"/> compares the record's field with its expected value (snake_case in JSON).</summary>
[JsonConverter(typeof(AssertionOperatorJsonConverter))]
public enum AssertionOperator
{
    /// <summary>The field equals the expected JSON value (numbers by value, strings exactly).</summary>
    [JsonStringEnumMemberName("equals")] EqualTo,

    /// <summary>The field does not equal the expected JSON value.</summary>
    [JsonStringEnumMemberName("not_equals")] NotEqualTo,

    /// <summary>The field's number is greater than the expected number.</summary>
    [JsonStringEnumMemberName("greater_than")] GreaterThan,

    /// <summary>The field's number is greater than or equal to the expected number.</summary>
    [JsonStringEnumMemberName("greater_than_or_equal")] GreaterThanOrEqual,

    /// <summary>The field's number is less than the expected number.</summary>
    [JsonStringEnumMemberName("less_than")] LessThan,

    /// <summary>The field's number is less than or equal to the expected number.</summary>
    [JsonStringEnumMemberName("less_than_or_equal")] LessThanOrEqual,

    /// <summary>The field's number is inside the expected <c>[min, max]</c> (bounds included).</summary>
    [JsonStringEnumMemberName("in_range")] InRange,

    /// <summary>The field's text contains the expected text, or the field's array holds the expected value.</summary>
    [JsonStringEnumMemberName("contains")] Contains,

    /// <summary>The opposite of <see cref="Contains"/>.</summary>
    [JsonStringEnumMemberName("not_contains")] NotContains,

    /// <summary>The field's text starts with the expected text.</summary>
    [JsonStringEnumMemberName("starts_with")] StartsWith,

    /// <summary>The field's text ends with the expected text.</summary>
    [JsonStringEnumMemberName("ends_with")] EndsWith,

    /// <summary>The expected regular expression matches somewhere in the field's text.</summary>
    [JsonStringEnumMemberName("matches")] Matches,

    /// <summary>The field contains every item of the expected array.</summary>
    [JsonStringEnumMemberName("contains_all")] ContainsAll,

    /// <summary>The field contains at least one item of the expected array.</summary>
    [JsonStringEnumMemberName("contains_any")] ContainsAny,

    /// <summary>The field contains no item of the expected array.</summary>
    [JsonStringEnumMemberName("contains_none")] ContainsNone,

    /// <summary>The field is absent, null, an empty string, array or object.</summary>
    [JsonStringEnumMemberName("is_empty")] IsEmpty,

    /// <summary>The opposite of <see cref="IsEmpty"/>.</summary>
    [JsonStringEnumMemberName("is_not_empty")] IsNotEmpty,

    /// <summary>The field is structured JSON, or a string that parses as JSON.</summary>
    [JsonStringEnumMemberName("is_json")] IsJson,

    /// <summary>The field's length (characters of a string, items of an array or object) is less than the expected number.</summary>
    [JsonStringEnumMemberName("length_less_than")] LengthLessThan,

    /// <summary>The field's length is greater than the expected number.</summary>
    [JsonStringEnumMemberName("length_greater_than")] LengthGreaterThan,

    /// <summary>The field is a number or a string holding a finite number.</summary>
    [JsonStringEnumMemberName("is_numeric")] IsNumeric,
}

/// <summary>Reads and writes <see cref="AssertionOperator"/> by its snake_case name; an unknown name lists the valid ones.</summary>
public sealed class AssertionOperatorJsonConverter : JsonConverter<AssertionOperator>
{
    private static readonly Dictionary<string, AssertionOperator> ByName =
        Enum.GetValues<AssertionOperator>().ToDictionary(EnumNames.Of, v => v, StringComparer.Ordinal);

    /// <inheritdoc />
    public override AssertionOperator Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var name = reader.TokenType == JsonTokenType.String ? reader.GetString()! : null;
        return name is not null && ByName.TryGetValue(name, out var value)
            ? value
            : throw new JsonException($"unknown operator '{name}'; expected one of {string.Join(", ", ByName.Keys)}");
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, AssertionOperator value, JsonSerializerOptions options) =>
        writer.WriteStringValue(EnumNames.Of(value));
}
