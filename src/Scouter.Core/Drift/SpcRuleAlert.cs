using System.Text.Json.Serialization;

namespace Scouter.Drift;

/// <summary>Which SPC rule fired (spec/drift-math.md 2.3).</summary>
public enum SpcAlertKind
{
    /// <summary>A run of samples on one side at or beyond a zone (zones 1-3).</summary>
    [JsonStringEnumMemberName("consecutive")] Consecutive,

    /// <summary>A run of samples at or beyond a zone with alternating signs.</summary>
    [JsonStringEnumMemberName("alternating")] Alternating,

    /// <summary>The consecutive rule of zone 4: samples beyond 3 sigma.</summary>
    [JsonStringEnumMemberName("out_of_bounds")] OutOfBounds,

    /// <summary>A strictly increasing or decreasing run of sample means (no zone).</summary>
    [JsonStringEnumMemberName("trend")] Trend,
}

/// <summary>One fired SPC rule and the sample run that fired it.</summary>
/// <param name="Zone">Zone 1-4, or null for a trend.</param>
/// <param name="Kind">The rule.</param>
/// <param name="StartIndex">Index of the first sample of the run (oldest first).</param>
/// <param name="EndIndex">Index of the last sample of the run (inclusive).</param>
public sealed record SpcRuleAlert(int? Zone, SpcAlertKind Kind, int StartIndex, int EndIndex);
