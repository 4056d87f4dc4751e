using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Scouter;

/// <summary>
/// The closed interval a judge's score must fall in (<see cref="Min"/> and <see cref="Max"/> included);
/// written in JSON as <c>[min, max]</c> and sent to the judge in the answer schema.
/// </summary>
[JsonConverter(typeof(ScoreRangeJsonConverter))]
public sealed record ScoreRange
{
    /// <summary>Creates a range; both bounds finite and <paramref name="min"/> &lt; <paramref name="max"/> (field <c>score_range</c>).</summary>
    public ScoreRange(double min, double max)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max) || min >= max)
            throw new ScouterConfigException("score_range", string.Create(CultureInfo.InvariantCulture, $"[{min}, {max}]"), "must be [min, max] with finite numbers and min < max");
        Min = min;
        Max = max;
    }

    /// <summary>Lowest valid score.</summary>
    public double Min { get; }

    /// <summary>Highest valid score.</summary>
    public double Max { get; }

    /// <summary>Whether <paramref name="score"/> is inside the range (bounds included).</summary>
    public bool Contains(double score) => score >= Min && score <= Max;

    /// <summary>Deconstructs into the bounds.</summary>
    public void Deconstruct(out double min, out double max) => (min, max) = (Min, Max);

    /// <summary>The range as written in JSON, for example <c>[1, 5]</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"[{Min}, {Max}]");
}

/// <summary>Reads and writes a <see cref="ScoreRange"/> as a two-number JSON array <c>[min, max]</c>.</summary>
public sealed class ScoreRangeJsonConverter : JsonConverter<ScoreRange>
{
    /// <inheritdoc />
    public override ScoreRange Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray) throw Shape();
        var bounds = new List<double>(2);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || bounds.Count == 2) throw Shape();
            bounds.Add(reader.GetDouble());
        }
        return bounds.Count == 2 ? new ScoreRange(bounds[0], bounds[1]) : throw Shape();
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, ScoreRange value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        writer.WriteNumberValue(value.Min);
        writer.WriteNumberValue(value.Max);
        writer.WriteEndArray();
    }

    private static JsonException Shape() => new("score_range must be an array of two numbers [min, max]");
}
