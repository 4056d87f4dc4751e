using Xunit;

namespace Scouter.Core.Tests.Configs;

public class ConfigValidationTests
{
    private static ScouterConfigException Rejects(Action build)
    {
        var ex = Assert.Throws<ScouterConfigException>(build);
        Assert.False(string.IsNullOrEmpty(ex.ParamName));
        return ex;
    }

    [Theory]
    [InlineData("not a cron")]
    [InlineData("0 0 0 * *  * *")]
    [InlineData("61 * * * * *")]
    [InlineData("")]
    public void Schedule_Invalid_ThrowsNamingSchedule(string cron)
    {
        var ex = Rejects(() => _ = new CustomMetricAlertConfig { Schedule = cron });
        Assert.Equal("alert_config.schedule", ex.ParamName);
    }

    [Theory]
    [InlineData(CommonCrons.EveryWeek)]
    [InlineData(CommonCrons.Every5Minutes)]
    [InlineData("*/10 * * * *")]
    public void Schedule_SixOrFiveFields_IsAccepted(string cron)
    {
        var config = new PsiAlertConfig { Schedule = cron };
        Assert.Equal(cron, config.Schedule);
    }

    [Theory]
    [InlineData("8 16 4 8 2 4 1")]
    [InlineData("8 16 4 8 2 4 1 x")]
    [InlineData("8 16 4 8 2 4 1 -1")]
    [InlineData("")]
    public void SpcRule_Invalid_ThrowsNamingRule(string rule)
    {
        var ex = Rejects(() => _ = new SpcAlertConfig { Rule = rule });
        Assert.Contains("rule", ex.ParamName, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void Alpha_OutsideOpenUnitInterval_Throws(double alpha)
    {
        var ex = Rejects(() => _ = PsiThreshold.ChiSquare(alpha));
        Assert.Equal("alert_config.threshold.alpha", ex.ParamName);
        Assert.Contains("between 0 and 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Delta_Negative_ThrowsNamingMetricAndDelta()
    {
        var ex = Rejects(() => _ = new CustomMetric("mae", 1.0, AlertThreshold.Above, delta: -0.5));
        Assert.Equal("metrics.mae.delta", ex.ParamName);
        Assert.Contains("-0.5", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CustomProfile_EmptyMetricList_Throws()
    {
        var ex = Rejects(() => _ = new CustomDriftProfile(new CustomMetricDriftConfig { Space = "s", Name = "n" }, []));
        Assert.Equal("metrics", ex.ParamName);
    }

    [Fact]
    public void CustomProfile_DuplicateMetricNames_Throws()
    {
        var ex = Rejects(() => _ = new CustomDriftProfile(
            new CustomMetricDriftConfig { Space = "s", Name = "n" },
            [new CustomMetric("mae", 1), new CustomMetric("mae", 2)]));
        Assert.Contains("duplicate", ex.Message, StringComparison.Ordinal);
        Assert.Contains("mae", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FeaturesToMonitor_Duplicate_Throws()
    {
        var ex = Rejects(() => _ = new PsiDriftConfig { Space = "s", Name = "n", FeaturesToMonitor = ["a", "b", "a"] });
        Assert.Equal("features_to_monitor", ex.ParamName);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData(" padded")]
    public void Space_Blank_Throws(string space)
    {
        var ex = Rejects(() => _ = new SpcDriftConfig { Space = space, Name = "n" });
        Assert.Equal("space", ex.ParamName);
    }

    [Fact]
    public void SampleSize_BelowTwo_ThrowsForSpc()
    {
        var ex = Rejects(() => _ = new SpcDriftConfig { Space = "s", Name = "n", SampleSize = 1 });
        Assert.Equal("sample_size", ex.ParamName);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.5)]
    public void LlmSampleRate_OutsideRange_Throws(double rate)
    {
        var ex = Rejects(() => _ = new LlmDriftConfig { Space = "s", Name = "n", SampleRate = rate });
        Assert.Equal("sample_rate", ex.ParamName);
    }

    [Fact]
    public void Dispatch_InvalidValues_AreRejected()
    {
        Assert.Equal("dispatch.priority", Rejects(() => _ = new OpsGenieDispatchConfig { Team = "t", Priority = "P9" }).ParamName);
        Assert.Equal("dispatch.url", Rejects(() => _ = new WebhookDispatchConfig { Url = "ftp://x" }).ParamName);
        Assert.Equal("dispatch.channel", Rejects(() => _ = new SlackDispatchConfig { Channel = "" }).ParamName);
        Assert.Equal("alert_config.time_zone", Rejects(() => _ = new PsiAlertConfig { TimeZone = "Mars/Olympus" }).ParamName);
    }

    [Theory]
    [InlineData("quantile", BinningKind.Quantile, EqualWidthMethod.Doane)]
    [InlineData("equal_width", BinningKind.EqualWidth, EqualWidthMethod.Doane)]
    [InlineData("equal_width:freedman_diaconis", BinningKind.EqualWidth, EqualWidthMethod.FreedmanDiaconis)]
    [InlineData("equal_width:square_root", BinningKind.EqualWidth, EqualWidthMethod.SquareRoot)]
    public void Binning_Parse_ReadsCliForm(string text, BinningKind kind, EqualWidthMethod method)
    {
        var binning = BinningStrategy.Parse(text);
        Assert.Equal(kind, binning.Kind);
        Assert.Equal(method, binning.Method);
    }

    [Theory]
    [InlineData("quantiles")]
    [InlineData("equal_width:magic")]
    public void Binning_Parse_Unknown_Throws(string text) =>
        Assert.Equal("binning", Rejects(() => BinningStrategy.Parse(text)).ParamName);

    [Fact]
    public void Uid_DefaultsToUuidV7()
    {
        var config = new PsiDriftConfig { Space = "s", Name = "n" };
        Assert.Equal(7, config.Uid.Version);
    }
}
