using System.Globalization;

namespace Scouter.Server.Evaluation;

/// <summary>The system message sent with every judge prompt: the answer format the parser accepts.</summary>
internal static class JudgeInstructions
{
    /// <summary>The system message for a metric with an optional score range.</summary>
    public static string For(ScoreRange? range) =>
        "You are an evaluator. Judge the content the user message describes and answer with one JSON object only: "
        + "{\"score\": <number>, \"reason\": \"<one or two sentences>\"}"
        + (range is null ? "." : string.Create(CultureInfo.InvariantCulture, $", where score is between {range.Min:R} and {range.Max:R} inclusive."));
}
