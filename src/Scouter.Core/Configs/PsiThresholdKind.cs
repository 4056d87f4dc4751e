using System.Text.Json.Serialization;

namespace Scouter;

/// <summary>How the PSI alert threshold of a feature is derived (spec/drift-math.md 1.4).</summary>
public enum PsiThresholdKind
{
    /// <summary>A fixed PSI value.</summary>
    [JsonStringEnumMemberName("fixed")] Fixed,

    /// <summary>Normal approximation of the PSI sampling distribution.</summary>
    [JsonStringEnumMemberName("normal")] Normal,

    /// <summary>Chi-square quantile with B-1 degrees of freedom over N (the default).</summary>
    [JsonStringEnumMemberName("chi_square")] ChiSquare,
}
