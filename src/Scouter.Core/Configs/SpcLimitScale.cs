using System.Text.Json.Serialization;

namespace Scouter;

/// <summary>What one SPC "sigma" measures (spec/drift-math.md 2.1 step 4).</summary>
public enum SpcLimitScale
{
    /// <summary>Limits on the scale of single observations (s = sigma hat). The default.</summary>
    [JsonStringEnumMemberName("observation")] Observation,

    /// <summary>Textbook X-bar chart limits (s = sigma hat / sqrt(n)).</summary>
    [JsonStringEnumMemberName("sample_mean")] SampleMean,
}
