using Scouter.Data;
using Scouter.Drift;

namespace Scouter.Profiling;

/// <summary>Zone codes and rule alerts of observed data against an SPC profile.</summary>
internal static class SpcEvaluator
{
    public static SpcFeatureDrift Evaluate(SpcDriftProfile profile, Column column)
    {
        var feature = profile.Features[column.Name];
        var means = SpcProfiler.SampleMeans(column, profile.Config.SampleSize);
        var alerts = profile.Config.AlertConfig;
        var result = SpcRuleEngine.Evaluate(means, feature.Center, feature.Sigma, alerts.ParsedRule, alerts.ZonesToMonitor, alerts.TrendLength);
        return new SpcFeatureDrift(means, result.Codes, result.Alerts);
    }
}
