using System.Text.Json.Serialization;

namespace Scouter;

/// <summary>Whether a feature had enough data to be judged.</summary>
public enum DriftStatus
{
    /// <summary>Evaluated.</summary>
    [JsonStringEnumMemberName("ok")] Ok,

    /// <summary>Fewer than 10 observations per bin (N &lt; 10·B): reported, never alerted.</summary>
    [JsonStringEnumMemberName("insufficient_data")] InsufficientData,
}
