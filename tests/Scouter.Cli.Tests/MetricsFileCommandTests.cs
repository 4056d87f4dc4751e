using Xunit;

namespace Scouter.Cli.Tests;

/// <summary><c>scouter profile create --type custom|llm --metrics FILE.json</c>.</summary>
public sealed class MetricsFileCommandTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static void AssertBadInput(CliRunner.Result result, params string[] mentions)
    {
        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        foreach (var mention in mentions) Assert.Contains(mention, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Custom_FromMetricsFile_WritesLoadableProfile_OptionsOverrideTheFilesConfig()
    {
        var file = _dir.File("metrics.json", """
            {"config": {"space": "team", "version": "9.9.9"},
             "metrics": [{"name": "mae", "baseline": 2.5, "condition": "above", "delta": 0.5}, {"name": "accuracy", "baseline": 0.9}]}
            """);
        var output = _dir.Combine("custom.json");

        var result = await CliRunner.RunAsync("profile", "create", "--type", "custom", "--metrics", file, "--name", "pricing", "--version", "1.2.0", "-o", output);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Created CUSTOM profile team/pricing/1.2.0 with 2 metric(s)", result.Out, StringComparison.Ordinal);
        var profile = Assert.IsType<CustomDriftProfile>(DriftProfile.Load(output));
        Assert.Equal(("team", "pricing", "1.2.0"), (profile.Config.Space, profile.Config.Name, profile.Config.Version));
        Assert.Equal([("mae", 2.5, AlertThreshold.Above, (double?)0.5), ("accuracy", 0.9, AlertThreshold.Below, null)],
            profile.Metrics.Select(m => (m.Name, m.Baseline, m.Condition, m.Delta)));
    }

    [Fact]
    public async Task Llm_FromMetricsFile_WithJudgeAndAssertionMetrics()
    {
        var file = _dir.File("bot.json", """
            {"config": {"sample_rate": 0.25},
             "metrics": [{"name": "relevance", "baseline": 4, "delta": 0.5, "prompt": "Rate ${response} for ${input}", "score_range": [1, 5], "min_count": 20}],
             "assertions": [{"name": "label", "baseline": 0.9, "field": "response.label", "operator": "equals", "expected": "${context.label}"}]}
            """);
        var output = _dir.Combine("llm.json");

        var result = await CliRunner.RunAsync("profile", "create", "--type", "llm", "--metrics", file, "-o", output);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Created LLM profile default/bot/0.1.0 with 1 judge metric(s) and 1 assertion metric(s)", result.Out, StringComparison.Ordinal);
        var profile = LlmDriftProfile.Load(output);
        Assert.Equal(0.25, profile.Config.SampleRate);
        var relevance = Assert.Single(profile.Metrics);
        Assert.Equal(("relevance", 4.0, 1.0, 5.0, (int?)20), (relevance.Name, relevance.Baseline, relevance.ScoreRange!.Min, relevance.ScoreRange.Max, relevance.MinCount));
        var label = Assert.Single(profile.Assertions);
        Assert.Equal(("label", "response.label", AssertionOperator.EqualTo, "${context.label}"), (label.Name, label.Field, label.Operator, label.Expected!.GetValue<string>()));

        var shown = await CliRunner.RunAsync("profile", "show", output);
        Assert.Equal(0, shown.ExitCode);
        Assert.Contains("response.label equals", shown.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadValue_IsOneLineNamingTheFileAndField()
    {
        var file = _dir.File("bad.json", """{"metrics": [{"name": "mae", "baseline": "high"}]}""");
        AssertBadInput(await CliRunner.RunAsync("profile", "create", "--type", "custom", "--metrics", file, "-o", _dir.Combine("x.json")), file, "baseline");
    }

    [Fact]
    public async Task MissingBaseline_IsNamed_NotReadAsZero()
    {
        var file = _dir.File("bad.json", """{"metrics": [{"name": "relevance", "prompt": "Rate ${response}"}]}""");
        AssertBadInput(await CliRunner.RunAsync("profile", "create", "--type", "llm", "--metrics", file, "-o", _dir.Combine("x.json")), file, "baseline");
    }

    [Fact]
    public async Task UnknownPlaceholder_IsNamed()
    {
        var file = _dir.File("bad.json", """{"metrics": [{"name": "relevance", "baseline": 4, "prompt": "Rate ${answer}"}]}""");
        AssertBadInput(await CliRunner.RunAsync("profile", "create", "--type", "llm", "--metrics", file, "-o", _dir.Combine("x.json")), file, "${answer}");
    }

    [Fact]
    public async Task AssertionsInACustomFile_AndNotJson_AreNamed()
    {
        var assertions = _dir.File("a.json", """{"metrics": [], "assertions": []}""");
        AssertBadInput(await CliRunner.RunAsync("profile", "create", "--type", "custom", "--metrics", assertions, "-o", _dir.Combine("x.json")), assertions, "\"assertions\"");
        var notJson = _dir.File("n.json", "metrics: [mae]");
        AssertBadInput(await CliRunner.RunAsync("profile", "create", "--type", "llm", "--metrics", notJson, "-o", _dir.Combine("x.json")), notJson, "not valid JSON");
    }

    [Fact]
    public async Task WrongSourceOption_ForTheType_IsNamed()
    {
        var file = _dir.File("m.json", """{"metrics": [{"name": "mae", "baseline": 1}]}""");
        AssertBadInput(await CliRunner.RunAsync("profile", "create", "--type", "llm", "-o", _dir.Combine("x.json")), "--metrics");
        AssertBadInput(await CliRunner.RunAsync("profile", "create", "--type", "psi", "--metrics", file, "-o", _dir.Combine("x.json")), "--metrics");
        AssertBadInput(await CliRunner.RunAsync("profile", "create", "--type", "custom", "--metrics", file, "--input", "data.csv", "-o", _dir.Combine("x.json")), "--input");
        AssertBadInput(await CliRunner.RunAsync("profile", "create", "--type", "spc", "-o", _dir.Combine("x.json")), "--input");
    }
}
