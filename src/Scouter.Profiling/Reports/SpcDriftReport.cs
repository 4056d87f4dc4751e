using Scouter.Drift;

namespace Scouter;

/// <summary>SPC results of one feature.</summary>
/// <param name="Means">Means of consecutive full samples of present values, oldest first.</param>
/// <param name="Codes">Zone code of each mean.</param>
/// <param name="Alerts">Rule violations (each distinct zone and kind once, with its first run): the raw rule hits of spec 2.3.</param>
/// <param name="Alert">
/// The alert decision: whether the rules with run lengths calibrated to this many samples fire
/// (<see cref="SpcAlertCalibration"/>), so that in-distribution data alerts with probability at most the false-alarm rate.
/// </param>
/// <param name="Calibration">The calibrated rules the decision used (null for no samples).</param>
public sealed record SpcFeatureDrift(IReadOnlyList<double> Means, IReadOnlyList<int> Codes, IReadOnlyList<SpcRuleAlert> Alerts, bool Alert = false,
    SpcCalibration? Calibration = null);

/// <summary>Per-feature SPC results, in profile feature order.</summary>
/// <param name="Features">Feature name → result.</param>
public sealed record SpcDriftReport(IReadOnlyDictionary<string, SpcFeatureDrift> Features);
