using Scouter.Drift;

namespace Scouter;

/// <summary>SPC results of one feature.</summary>
/// <param name="Means">Means of consecutive full samples of present values, oldest first.</param>
/// <param name="Codes">Zone code of each mean.</param>
/// <param name="Alerts">Rule violations (each distinct zone and kind once, with its first run).</param>
public sealed record SpcFeatureDrift(IReadOnlyList<double> Means, IReadOnlyList<int> Codes, IReadOnlyList<SpcRuleAlert> Alerts);

/// <summary>Per-feature SPC results, in profile feature order.</summary>
/// <param name="Features">Feature name → result.</param>
public sealed record SpcDriftReport(IReadOnlyDictionary<string, SpcFeatureDrift> Features);
