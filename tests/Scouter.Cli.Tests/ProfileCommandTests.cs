using Xunit;

namespace Scouter.Cli.Tests;

public sealed class ProfileCommandTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Create_Psi_FromSampleCsv_WritesLoadableProfile()
    {
        var output = _dir.Combine("psi.json");
        var result = await CliRunner.RunAsync("profile", "create", "--type", "psi", "--input", CliRunner.SampleData("credit_train.csv"),
            "-o", output, "--space", "demo", "--name", "credit", "--version", "2.0.0", "--categorical", "num_accounts");

        Assert.Equal(0, result.ExitCode);
        Assert.Empty(result.Error);
        var profile = PsiDriftProfile.Load(output);
        Assert.Equal(("demo", "credit", "2.0.0"), (profile.Config.Space, profile.Config.Name, profile.Config.Version));
        Assert.Equal(8, profile.Features.Count);
        Assert.Equal(FeatureKind.Categorical, profile.Features["region"].Kind);
        Assert.Equal(["east", "north", "south", "west"], profile.Features["region"].Categories);
        Assert.Equal(FeatureKind.Categorical, profile.Features["num_accounts"].Kind);
        Assert.Equal(12, profile.Features["num_accounts"].BinCount);
        Assert.Equal(9, profile.Features["age"].Edges!.Count);
        Assert.True(profile.Features["loan_amount"].MissingCount > 0);
    }

    [Fact]
    public async Task Create_Psi_EqualWidthAndFeatureSubset()
    {
        var output = _dir.Combine("psi.json");
        var result = await CliRunner.RunAsync("profile", "create", "--type", "psi", "--input", CliRunner.SampleData("credit_train.csv"),
            "-o", output, "--features", "age,income", "--binning", "equal_width:manual", "--bins", "5");

        Assert.Equal(0, result.ExitCode);
        var profile = PsiDriftProfile.Load(output);
        Assert.Equal(["age", "income"], profile.Features.Keys);
        Assert.Equal(4, profile.Features["age"].Edges!.Count);
        Assert.Equal(BinningKind.EqualWidth, profile.Config.Binning.Kind);
    }

    [Fact]
    public async Task Create_Spc_UsesSampleSizeAndLimitScale()
    {
        var observation = _dir.Combine("spc-obs.json");
        var sampleMean = _dir.Combine("spc-mean.json");
        var input = CliRunner.SampleData("credit_train.csv");
        Assert.Equal(0, (await CliRunner.RunAsync("profile", "create", "--type", "spc", "--input", input, "-o", observation, "--sample-size", "16")).ExitCode);
        Assert.Equal(0, (await CliRunner.RunAsync("profile", "create", "--type", "spc", "--input", input, "-o", sampleMean, "--sample-size", "16", "--limit-scale", "sample_mean")).ExitCode);

        var obs = SpcDriftProfile.Load(observation);
        var mean = SpcDriftProfile.Load(sampleMean);
        Assert.DoesNotContain("region", obs.Features.Keys);
        Assert.Equal(20000 / 16, obs.Features["age"].SampleCount);
        Assert.Equal(obs.Features["age"].Sigma / 4.0, mean.Features["age"].Sigma, 12);
        Assert.Equal(obs.Features["age"].Center, mean.Features["age"].Center);
    }

    [Fact]
    public async Task Show_PrintsIdentityAndFeatures()
    {
        var output = _dir.Combine("psi.json");
        await CliRunner.RunAsync("profile", "create", "--type", "psi", "--input", CliRunner.SampleData("credit_train.csv"), "-o", output, "--name", "credit");

        var result = await CliRunner.RunAsync("profile", "show", output);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("default/credit/0.1.0", result.Out, StringComparison.Ordinal);
        Assert.Contains("credit_score", result.Out, StringComparison.Ordinal);
        Assert.Contains("chi_square", result.Out, StringComparison.Ordinal);
        Assert.Contains(PsiDriftProfile.Load(output).Config.Uid.ToString(), result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_CustomProfileWrittenByApi()
    {
        var path = _dir.Combine("custom.json");
        new CustomDriftProfile(new CustomMetricDriftConfig { Space = "wine", Name = "wine" }, [new CustomMetric("mae", 0.5, AlertThreshold.Above, 0.1)]).Save(path);

        var result = await CliRunner.RunAsync("profile", "show", path);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("mae", result.Out, StringComparison.Ordinal);
        Assert.Contains("above", result.Out, StringComparison.Ordinal);
    }
}
