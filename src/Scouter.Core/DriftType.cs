using System.Text.Json.Serialization;

namespace Scouter;

/// <summary>The four kinds of drift Scouter monitors.</summary>
public enum DriftType
{
    /// <summary>Population Stability Index over binned feature distributions.</summary>
    [JsonStringEnumMemberName("psi")] Psi,

    /// <summary>Statistical process control over per-feature sample means.</summary>
    [JsonStringEnumMemberName("spc")] Spc,

    /// <summary>User-defined metrics compared with baselines.</summary>
    [JsonStringEnumMemberName("custom")] Custom,

    /// <summary>LLM-judged metrics compared with baselines.</summary>
    [JsonStringEnumMemberName("llm")] Llm,
}
