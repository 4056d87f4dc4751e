using System.Text.Json.Serialization;

namespace Scouter;

/// <summary>Whether a feature is binned numerically or by category.</summary>
public enum FeatureKind
{
    /// <summary>A double-valued feature.</summary>
    [JsonStringEnumMemberName("numeric")] Numeric,

    /// <summary>A string-valued (or explicitly categorical numeric) feature.</summary>
    [JsonStringEnumMemberName("categorical")] Categorical,
}
