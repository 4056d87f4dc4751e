using System.Text.Json.Serialization;

namespace Scouter;

/// <summary>When a custom or LLM metric alerts relative to its baseline (spec/drift-math.md 3).</summary>
public enum AlertThreshold
{
    /// <summary>Alert when the observed value is below the baseline (minus delta). The default.</summary>
    [JsonStringEnumMemberName("below")] Below,

    /// <summary>Alert when the observed value is above the baseline (plus delta).</summary>
    [JsonStringEnumMemberName("above")] Above,

    /// <summary>Alert when the observed value leaves the band baseline ± delta.</summary>
    [JsonStringEnumMemberName("outside")] Outside,
}
