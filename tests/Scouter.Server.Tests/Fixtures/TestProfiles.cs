namespace Scouter.Server.Tests.Fixtures;

/// <summary>Small hand-built profiles of every drift type with known baselines.</summary>
public static class TestProfiles
{
    /// <summary>
    /// PSI: numeric "age" with edges [30, 50] (bins 1..3, proportions 0.3/0.4/0.2, missing 0.1) and
    /// categorical "color" with categories a, b (0.5/0.5, no missing).
    /// </summary>
    public static PsiDriftProfile Psi(string space, string name = "model", string version = "1.0.0", PsiThreshold? threshold = null) => new(
        new PsiDriftConfig
        {
            Space = space,
            Name = name,
            Version = version,
            AlertConfig = new PsiAlertConfig { Schedule = CommonCrons.EveryHour, Threshold = threshold ?? new PsiThreshold() },
        },
        new Dictionary<string, PsiFeatureProfile>
        {
            ["age"] = new(FeatureKind.Numeric, [30, 50], null, [0.3, 0.4, 0.2], 0.1, 100, 10),
            ["color"] = new(FeatureKind.Categorical, null, ["a", "b"], [0.5, 0.5], 0, 10, 0),
        });

    /// <summary>SPC: feature "x" with center 10, sigma 1.</summary>
    public static SpcDriftProfile Spc(string space, string name = "model", string version = "1.0.0") => new(
        new SpcDriftConfig { Space = space, Name = name, Version = version, FeaturesToMonitor = ["x"] },
        new Dictionary<string, SpcFeatureProfile> { ["x"] = new(10, 1, 20, 0) });

    /// <summary>Custom: "mae" baseline 1, above, delta 0.5; "acc" baseline 0.9, below.</summary>
    public static CustomDriftProfile Custom(string space, string name = "model", string version = "1.0.0", string schedule = CommonCrons.EveryDay) => new(
        new CustomMetricDriftConfig { Space = space, Name = name, Version = version, AlertConfig = new CustomMetricAlertConfig { Schedule = schedule } },
        [new CustomMetric("mae", 1.0, AlertThreshold.Above, 0.5), new CustomMetric("acc", 0.9)]);

    /// <summary>LLM: "relevance" baseline 4.</summary>
    public static LlmDriftProfile Llm(string space, string name = "model", string version = "1.0.0") => new(
        new LlmDriftConfig { Space = space, Name = name, Version = version },
        [new LlmMetric("relevance", 4, "Rate the relevance of ${response} to ${input} from 1 to 5.")]);
}
