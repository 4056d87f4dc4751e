using System.Text.Json.Nodes;
using Xunit;

namespace Scouter.Cli.Tests;

public sealed class DriftCommandTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private async Task<string> ProfileAsync(string type, params string[] extra)
    {
        var output = _dir.Combine($"{type}.json");
        var result = await CliRunner.RunAsync(["profile", "create", "--type", type, "--input", CliRunner.SampleData("credit_train.csv"), "-o", output, .. extra]);
        Assert.Equal(0, result.ExitCode);
        return output;
    }

    [Fact]
    public async Task ComputePsi_Json_FlagsShiftedFeaturesOnly()
    {
        var profile = await ProfileAsync("psi");

        var drifted = await CliRunner.RunAsync("drift", "compute", "--profile", profile, "--input", CliRunner.SampleData("credit_drifted.csv"), "--json");
        var live = await CliRunner.RunAsync("drift", "compute", "--profile", profile, "--input", CliRunner.SampleData("credit_live.csv"), "--json");

        Assert.Equal(0, drifted.ExitCode);
        var json = JsonNode.Parse(drifted.Out)!;
        Assert.Equal("psi", (string?)json["drift_type"]);
        var features = json["features"]!.AsObject();
        Assert.Equal(8, features.Count);
        // The generator shifts age, income, credit_score, debt_ratio and region; loan_amount and employment are unchanged.
        foreach (var name in new[] { "age", "income", "credit_score", "debt_ratio", "region" })
        {
            Assert.True((bool)features[name]!["alert"]!, name);
            Assert.NotNull((string?)features[name]!["severity"]);
        }
        Assert.False((bool)features["loan_amount"]!["alert"]!);
        Assert.Null((string?)features["loan_amount"]!["severity"]);
        Assert.Equal(5000, (long)features["age"]!["n"]!);
        Assert.Equal("ok", (string?)features["age"]!["status"]);
        Assert.True((double)features["age"]!["threshold"]! >= 0.1, "the effective threshold includes the min_psi floor");

        var calm = JsonNode.Parse(live.Out)!["features"]!.AsObject();
        Assert.All(calm, f => Assert.False((bool)f.Value!["alert"]!, f.Key));
    }

    [Fact]
    public async Task ComputePsi_Table_SummarizesDriftedFeatures()
    {
        var profile = await ProfileAsync("psi");
        var result = await CliRunner.RunAsync("drift", "compute", "--profile", profile, "--input", CliRunner.SampleData("credit_drifted.csv"));
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("features drifted", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ComputeSpc_Json_ReportsMeansCodesAndAlerts()
    {
        var profile = await ProfileAsync("spc", "--features", "age,loan_amount", "--sample-size", "25");

        var result = await CliRunner.RunAsync("drift", "compute", "--profile", profile, "--input", CliRunner.SampleData("credit_drifted.csv"), "--json");

        Assert.Equal(0, result.ExitCode);
        var json = JsonNode.Parse(result.Out)!;
        Assert.Equal("spc", (string?)json["drift_type"]);
        var age = json["features"]!["age"]!;
        Assert.Equal(5000 / 25, age["means"]!.AsArray().Count);
        Assert.Equal(age["means"]!.AsArray().Count, age["codes"]!.AsArray().Count);
        // Age moved up by about half a baseline sigma: many consecutive samples sit above center.
        Assert.Contains(age["alerts"]!.AsArray(), a => (string?)a!["kind"] == "consecutive" && (int?)a["zone"] == 1);
        // The shift is real: the alert decision (rules calibrated to 200 samples) fires too.
        Assert.True((bool?)age["alert"]);
        Assert.Equal(0.01, (double?)age["calibration"]!["false_alarm_rate"]);
        var loanMeans = json["features"]!["loan_amount"]!["means"]!.AsArray().Count;
        Assert.InRange(loanMeans, 195, 200);
        Assert.All(json["features"]!.AsObject(), f => Assert.All(f.Value!["alerts"]!.AsArray(),
            a => Assert.Contains((string?)a!["kind"], new[] { "consecutive", "alternating", "out_of_bounds", "trend" })));
    }

    [Fact]
    public async Task ComputeSpc_OnItsOwnTrainingData_RawRulesHitButNoFeatureAlerts()
    {
        var profile = _dir.Combine("train-spc.json");
        Assert.Equal(0, (await CliRunner.RunAsync("profile", "create", "--type", "spc", "--input", CliRunner.SampleData("credit_train.csv"), "-o", profile)).ExitCode);

        var result = await CliRunner.RunAsync("drift", "compute", "--profile", profile, "--input", CliRunner.SampleData("credit_train.csv"), "--json");

        Assert.Equal(0, result.ExitCode);
        var features = JsonNode.Parse(result.Out)!["features"]!.AsObject();
        Assert.Equal(6, features.Count);
        // The rules as configured fire on in-distribution data (800 samples per feature, eight in a row on one side is common) ...
        Assert.Contains(features, f => f.Value!["alerts"]!.AsArray().Count > 0);
        // ... the alert decision, calibrated to a 1 % false-alarm rate per feature, does not.
        Assert.All(features, f => Assert.False((bool?)f.Value!["alert"], f.Key));
    }

    [Fact]
    public async Task Compute_CustomProfile_IsBadInput()
    {
        var path = _dir.Combine("custom.json");
        new CustomDriftProfile(new CustomMetricDriftConfig { Space = "s", Name = "n" }, [new CustomMetric("m", 1)]).Save(path);

        var result = await CliRunner.RunAsync("drift", "compute", "--profile", path, "--input", CliRunner.SampleData("credit_live.csv"));

        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.ErrorLines);
        Assert.Contains("server", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ComputeSpc_FalseAlarmRate_ChangesTheCalibration_AndOutOfRangeIsBadInput()
    {
        var profile = await ProfileAsync("spc", "--features", "age", "--sample-size", "25");

        var lenient = await CliRunner.RunAsync("drift", "compute", "--profile", profile, "--input", CliRunner.SampleData("credit_live.csv"), "--json", "--false-alarm-rate", "0.2");
        var strict = await CliRunner.RunAsync("drift", "compute", "--profile", profile, "--input", CliRunner.SampleData("credit_live.csv"), "--json");
        var wrong = await CliRunner.RunAsync("drift", "compute", "--profile", profile, "--input", CliRunner.SampleData("credit_live.csv"), "--false-alarm-rate", "1.5");

        var lenientCalibration = JsonNode.Parse(lenient.Out)!["features"]!["age"]!["calibration"]!;
        var strictCalibration = JsonNode.Parse(strict.Out)!["features"]!["age"]!["calibration"]!;
        Assert.Equal(0.2, (double?)lenientCalibration["false_alarm_rate"]);
        Assert.Equal(0.01, (double?)strictCalibration["false_alarm_rate"]);
        // A higher false-alarm rate allows shorter runs: the zone-1 consecutive length (first number) is smaller.
        Assert.True(int.Parse(((string)lenientCalibration["rule"]!).Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture)
            < int.Parse(((string)strictCalibration["rule"]!).Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(2, wrong.ExitCode);
        Assert.Contains("--false-alarm-rate", Assert.Single(wrong.ErrorLines), StringComparison.Ordinal);
        Assert.Contains("1.5", wrong.Error, StringComparison.Ordinal);
    }
}
