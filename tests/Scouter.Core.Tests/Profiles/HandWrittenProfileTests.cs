using Xunit;

namespace Scouter.Core.Tests.Profiles;

/// <summary>
/// Profiles written by hand with the optional fields left out load with the documented defaults
/// (XML docs of the config types, spec/drift-math.md), whichever drift type.
/// </summary>
public sealed class HandWrittenProfileTests
{
    private static void AssertCommonDefaults(DriftProfile profile, AlertConfig alerts, DateTimeOffset loadedAfter)
    {
        Assert.Equal("0.1.0", profile.Config.Version);
        Assert.Equal(7, profile.Config.Uid.Version);
        Assert.Equal("0 0 0 * * *", alerts.Schedule);
        Assert.Null(alerts.TimeZone);
        Assert.IsType<ConsoleDispatchConfig>(Assert.Single(alerts.Dispatch));
        Assert.Equal(TimeSpan.FromHours(24), alerts.RepeatInterval);
        Assert.False(string.IsNullOrEmpty(profile.ScouterVersion));
        Assert.InRange(profile.CreatedAt, loadedAfter, TimeProvider.System.GetUtcNow());
    }

    [Theory]
    [InlineData("""{"drift_type":"custom","config":{"space":"s","name":"n"},"metrics":[{"name":"mae"}]}""", "baseline")]
    [InlineData("""{"drift_type":"llm","config":{"space":"s","name":"n"},"metrics":[{"name":"r","baseline":4}]}""", "prompt")]
    [InlineData("""{"drift_type":"llm","config":{"space":"s","name":"n"},"metrics":[],"assertions":[{"name":"a","baseline":1,"operator":"is_json"}]}""", "field")]
    [InlineData("""{"drift_type":"psi","config":{"space":"s","name":"n"},"features":{"age":{"kind":"numeric","edges":[1],"count":3,"missing_count":0,"missing_proportion":0}}}""", "proportions")]
    public void RequiredField_LeftOut_IsAnErrorNamingIt_NeverADefaultValue(string json, string field)
    {
        var error = Assert.Throws<ScouterDataException>(() => DriftProfile.FromJson(json));
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Custom_WithoutConfigDefaults_LoadsTheDocumentedDefaults()
    {
        var before = TimeProvider.System.GetUtcNow();
        var profile = Assert.IsType<CustomDriftProfile>(DriftProfile.FromJson(
            """{"drift_type":"custom","config":{"space":"s","name":"n"},"metrics":[{"name":"mae","baseline":1.5}]}"""));

        AssertCommonDefaults(profile, profile.Config.AlertConfig, before);
        Assert.Equal(25, profile.Config.SampleSize);
        var metric = Assert.Single(profile.Metrics);
        Assert.Equal(AlertThreshold.Below, metric.Condition);
        Assert.Null(metric.Delta);
    }

    [Fact]
    public void Custom_WithAnAlertConfigWithoutRepeatInterval_KeepsTheDefaultInterval()
    {
        var profile = Assert.IsType<CustomDriftProfile>(DriftProfile.FromJson(
            """{"drift_type":"custom","config":{"space":"s","name":"n","alert_config":{"schedule":"0 0 * * * *"}},"metrics":[{"name":"mae","baseline":1}]}"""));

        Assert.Equal("0 0 * * * *", profile.Config.AlertConfig.Schedule);
        Assert.Equal(TimeSpan.FromHours(24), profile.Config.AlertConfig.RepeatInterval);
    }

    [Fact]
    public void Psi_WithEmptyAlertConfigThresholdAndBinning_LoadsTheDocumentedDefaults()
    {
        var before = TimeProvider.System.GetUtcNow();
        var profile = Assert.IsType<PsiDriftProfile>(DriftProfile.FromJson("""
            {"drift_type":"psi","config":{"space":"s","name":"n","alert_config":{"threshold":{}},"binning":{}},
             "features":{"age":{"kind":"numeric","edges":[30],"proportions":[0.5,0.5],"missing_proportion":0,"count":10,"missing_count":0}}}
            """));

        AssertCommonDefaults(profile, profile.Config.AlertConfig, before);
        var threshold = profile.Config.AlertConfig.Threshold;
        Assert.Equal(PsiThresholdKind.ChiSquare, threshold.Kind);
        Assert.Equal(0.05, threshold.Alpha);
        Assert.Equal(0.25, threshold.Value);
        Assert.Equal(0.1, threshold.MinPsi);
        Assert.Equal(BinningKind.Quantile, profile.Config.Binning.Kind);
        Assert.Equal(10, profile.Config.Binning.NumBins);
        Assert.Equal(EqualWidthMethod.Doane, profile.Config.Binning.Method);
        Assert.Equal(100, profile.Config.MaxCategories);
        Assert.Empty(profile.Config.FeaturesToMonitor);
        Assert.Empty(profile.Config.CategoricalFeatures);
    }

    [Fact]
    public void Spc_WithEmptyAlertConfig_LoadsTheDocumentedDefaults()
    {
        var before = TimeProvider.System.GetUtcNow();
        var profile = Assert.IsType<SpcDriftProfile>(DriftProfile.FromJson("""
            {"drift_type":"spc","config":{"space":"s","name":"n","alert_config":{}},
             "features":{"x":{"center":10,"sigma":1,"sample_count":4,"missing_count":0}}}
            """));

        AssertCommonDefaults(profile, profile.Config.AlertConfig, before);
        Assert.Equal(25, profile.Config.SampleSize);
        Assert.Equal(SpcLimitScale.Observation, profile.Config.LimitScale);
        Assert.Equal("8 16 4 8 2 4 1 1", profile.Config.AlertConfig.Rule);
        Assert.Equal([1, 2, 3, 4], profile.Config.AlertConfig.ZonesToMonitor);
        Assert.Equal(7, profile.Config.AlertConfig.TrendLength);
    }

    [Fact]
    public void Llm_WithAnOpsGenieChannelWithoutPriority_LoadsTheDocumentedDefaults()
    {
        var profile = Assert.IsType<LlmDriftProfile>(DriftProfile.FromJson("""
            {"drift_type":"llm","config":{"space":"s","name":"n","alert_config":{"dispatch":[{"type":"opsgenie","team":"ml"}]}},
             "metrics":[{"name":"relevance","baseline":4,"prompt":"Rate ${response} for ${input} from 1 to 5."}]}
            """));

        Assert.Equal(1.0, profile.Config.SampleRate);
        Assert.Equal(TimeSpan.FromHours(24), profile.Config.AlertConfig.RepeatInterval);
        var opsGenie = Assert.IsType<OpsGenieDispatchConfig>(Assert.Single(profile.Config.AlertConfig.Dispatch));
        Assert.Equal("ml", opsGenie.Team);
        Assert.Equal("P3", opsGenie.Priority);
        Assert.Empty(opsGenie.Tags);
        Assert.Equal(AlertThreshold.Below, Assert.Single(profile.Metrics).Condition);
    }

    [Fact]
    public void HandWrittenProfile_SavedAndLoaded_RoundTripsWithTheDefaultsWritten()
    {
        var profile = DriftProfile.FromJson("""{"drift_type":"custom","config":{"space":"s","name":"n"},"metrics":[{"name":"mae","baseline":1}]}""");

        var json = profile.ToJson();

        Assert.Contains("\"repeat_interval\": \"1.00:00:00\"", json, StringComparison.Ordinal);
        Assert.Equal(json, DriftProfile.FromJson(json).ToJson());
    }

    [Theory]
    [InlineData("""{"repeat_interval":"00:00:00"}""", "alert_config.repeat_interval")]
    [InlineData("""{"schedule":""}""", "alert_config.schedule")]
    public void ExplicitInvalidValue_IsStillRefused_NamingTheField(string alertConfig, string field)
    {
        var ex = Assert.Throws<ScouterDataException>(() => DriftProfile.FromJson(
            $$"""{"drift_type":"custom","config":{"space":"s","name":"n","alert_config":{{alertConfig}}},"metrics":[{"name":"mae","baseline":1}]}"""));

        Assert.Contains(field, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingRequiredField_IsStillRefused()
    {
        var ex = Assert.Throws<ScouterDataException>(() => DriftProfile.FromJson(
            """{"drift_type":"custom","config":{"name":"n"},"metrics":[{"name":"mae","baseline":1}]}"""));

        Assert.Contains("space", ex.Message, StringComparison.Ordinal);
    }
}
