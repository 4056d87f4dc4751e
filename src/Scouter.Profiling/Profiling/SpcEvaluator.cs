using Scouter.Data;

namespace Scouter.Profiling;

/// <summary>Zone codes and rule alerts of observed data against an SPC profile.</summary>
internal static class SpcEvaluator
{
    public static SpcFeatureDrift Evaluate(SpcDriftProfile profile, Column column, double falseAlarmRate) =>
        DriftChecks.EvaluateSpc(profile, column.Name, SpcProfiler.SampleMeans(column, profile.Config.SampleSize), falseAlarmRate);
}
