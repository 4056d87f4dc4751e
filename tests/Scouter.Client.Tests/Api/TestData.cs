using Scouter.Records;

namespace Scouter.Client.Tests.Api;

/// <summary>Small hand-built profiles and record batches.</summary>
public static class TestData
{
    public static PsiDriftProfile Psi(string space, string name = "model", string version = "1.0.0") => new(
        new PsiDriftConfig { Space = space, Name = name, Version = version, AlertConfig = new PsiAlertConfig { Schedule = CommonCrons.EveryHour } },
        new Dictionary<string, PsiFeatureProfile>
        {
            ["age"] = new(FeatureKind.Numeric, [30, 50], null, [0.3, 0.4, 0.2], 0.1, 100, 10),
        });

    public static SpcDriftProfile Spc(string space, string name = "model", string version = "1.0.0") => new(
        new SpcDriftConfig { Space = space, Name = name, Version = version, FeaturesToMonitor = ["x"] },
        new Dictionary<string, SpcFeatureProfile> { ["x"] = new(10, 1, 20, 0) });

    public static CustomDriftProfile Custom(string space, string name = "model", string version = "1.0.0") => new(
        new CustomMetricDriftConfig { Space = space, Name = name, Version = version },
        [new CustomMetric("mae", 1.0, AlertThreshold.Above, 0.5)]);

    public static LlmDriftProfile Llm(string space, string name = "model", string version = "1.0.0") => new(
        new LlmDriftConfig { Space = space, Name = name, Version = version },
        [new LlmMetric("relevance", 4, "Rate the relevance of ${response} to ${input} from 1 to 5.")]);

    public static RecordBatch Batch(params DriftRecord[] records) =>
        new() { BatchId = Guid.CreateVersion7(), SentAt = TimeProvider.System.GetUtcNow(), Records = records };

    public static DateTimeOffset Now => TimeProvider.System.GetUtcNow();
}
