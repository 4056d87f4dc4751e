using System.Text.Json.Serialization;

namespace Scouter;

/// <summary>How bad an alert is.</summary>
public enum AlertSeverity
{
    /// <summary>Drift above the threshold with PSI &lt; 0.25.</summary>
    [JsonStringEnumMemberName("warning")] Warning,

    /// <summary>PSI &gt;= 0.25 (or an SPC out-of-bounds sample).</summary>
    [JsonStringEnumMemberName("critical")] Critical,
}
