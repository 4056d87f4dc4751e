namespace Scouter.Drift;

/// <summary>
/// The SPC alert decision's rules for one check window: the profile's rule with run lengths raised
/// so that a window of in-distribution samples alerts with probability at most
/// <see cref="FalseAlarmRate"/> (see <see cref="SpcAlertCalibration"/>).
/// </summary>
/// <param name="Samples">Samples in the window the lengths hold for (the window's count rounded up to the calibration grid).</param>
/// <param name="FalseAlarmRate">The target per-feature, per-check false-alarm probability α.</param>
/// <param name="Rule">Calibrated consecutive/alternating lengths per zone (each at least the configured one; 0 or 1 where disabled).</param>
/// <param name="TrendLength">Calibrated trend length (0 when the trend rule is disabled).</param>
/// <param name="Bound">An upper bound of the window's false-alarm probability with these lengths (at most <see cref="FalseAlarmRate"/>).</param>
public sealed record SpcCalibration(long Samples, double FalseAlarmRate, SpcRule Rule, int TrendLength, double Bound);
