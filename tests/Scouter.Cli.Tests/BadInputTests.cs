using System.Text;
using System.Text.Json.Nodes;
using Xunit;

namespace Scouter.Cli.Tests;

/// <summary>Bad input: exit code 2 and exactly one stderr line naming file, column, row and value; never a stack trace.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private Task<CliRunner.Result> CreateAsync(string input, params string[] extra) =>
        CliRunner.RunAsync(["profile", "create", "--type", "psi", "--input", input, "-o", _dir.Combine("out.json"), .. extra]);

    private static void AssertBadInput(CliRunner.Result result, params string[] mentions)
    {
        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        foreach (var mention in mentions) Assert.Contains(mention, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmptyFile_IsReported()
    {
        var path = _dir.File("empty.csv", "");
        AssertBadInput(await CreateAsync(path), path, "empty");
    }

    [Fact]
    public async Task HeaderOnly_IsReported()
    {
        var path = _dir.File("header.csv", "a,b\n");
        AssertBadInput(await CreateAsync(path), path, "no data rows");
    }

    [Fact]
    public async Task MissingColumn_NamesColumnAndFile()
    {
        var path = _dir.File("data.csv", "a,b\n1,2\n3,4\n");
        AssertBadInput(await CreateAsync(path, "--features", "a,nope"), path, "nope");
    }

    [Fact]
    public async Task MissingColumnAtDriftTime_NamesColumnAndFile()
    {
        var train = _dir.File("train.csv", "a,b\n1,2\n3,4\n5,6\n");
        Assert.Equal(0, (await CreateAsync(train)).ExitCode);
        var live = _dir.File("live.csv", "a\n1\n");
        var result = await CliRunner.RunAsync("drift", "compute", "--profile", _dir.Combine("out.json"), "--input", live, "--json");
        AssertBadInput(result, live, "'b'");
        Assert.Empty(result.Out);
    }

    [Fact]
    public async Task RaggedRow_NamesFileAndRow()
    {
        var path = _dir.File("ragged.csv", "a,b\n1,2\n3,4\n5\n7,8\n");
        AssertBadInput(await CreateAsync(path), path, "row 3");
    }

    [Fact]
    public async Task NonUtf8Bytes_NamesFile()
    {
        var bytes = Encoding.UTF8.GetBytes("a,b\n1,x\n2,").Concat(new byte[] { 0xC3, 0x28, 0xFF }).Concat(Encoding.UTF8.GetBytes("\n3,z\n")).ToArray();
        var path = _dir.Bytes("latin.csv", bytes);
        AssertBadInput(await CreateAsync(path), path, "UTF-8");
    }

    [Fact]
    public async Task MissingFile_NamesFile()
    {
        var path = _dir.Combine("absent.csv");
        AssertBadInput(await CreateAsync(path), "absent.csv");
    }

    [Fact]
    public async Task AllMissingColumn_NamesColumn()
    {
        var path = _dir.File("blank.csv", "a,b\n1,\n2,\n3, \n");
        AssertBadInput(await CreateAsync(path), path, "'b'", "missing");
    }

    [Fact]
    public async Task NanInfAndEmptyCells_AreCountedAsMissing()
    {
        var path = _dir.File("gaps.csv", "x,y\n1,a\nNaN,b\n3,\ninf,a\n-inf,b\n,a\n7,b\n8,a\n9,b\n10,a\n");
        var output = _dir.Combine("out.json");
        var result = await CliRunner.RunAsync("profile", "create", "--type", "psi", "--input", path, "-o", output);

        Assert.Equal(0, result.ExitCode);
        var profile = PsiDriftProfile.Load(output);
        Assert.Equal(FeatureKind.Numeric, profile.Features["x"].Kind);
        Assert.Equal(4, profile.Features["x"].MissingCount);
        Assert.Equal(0.4, profile.Features["x"].MissingProportion, 12);
        Assert.Equal(1, profile.Features["y"].MissingCount);
    }

    [Fact]
    public async Task ConstantColumn_GetsOneOccupiedBin()
    {
        var path = _dir.File("constant.csv", "c,v\n5,1\n5,2\n5,3\n5,4\n");
        var output = _dir.Combine("out.json");
        Assert.Equal(0, (await CliRunner.RunAsync("profile", "create", "--type", "psi", "--input", path, "-o", output)).ExitCode);
        // Quantile edges of a constant column all equal 5 and deduplicate to one edge: (-inf, 5] holds everything.
        var feature = PsiDriftProfile.Load(output).Features["c"];
        Assert.Equal([5.0], feature.Edges);
        Assert.Equal([1.0, 0.0], feature.Proportions);

        Assert.Equal(0, (await CliRunner.RunAsync("profile", "create", "--type", "psi", "--input", path, "-o", output, "--binning", "equal_width:doane")).ExitCode);
        Assert.Equal(1, PsiDriftProfile.Load(output).Features["c"].BinCount);
    }

    [Fact]
    public async Task OneRow_PsiWorks_SpcNamesTheShortfall()
    {
        var path = _dir.File("one.csv", "a,b\n1.5,x\n");
        var output = _dir.Combine("out.json");
        Assert.Equal(0, (await CliRunner.RunAsync("profile", "create", "--type", "psi", "--input", path, "-o", output)).ExitCode);
        Assert.Equal([1.5], PsiDriftProfile.Load(output).Features["a"].Edges);

        var spc = await CliRunner.RunAsync("profile", "create", "--type", "spc", "--input", path, "-o", output);
        AssertBadInput(spc, path, "'a'", "25");
    }

    [Fact]
    public async Task MoreCategoriesThanMaxCategories_FoldIntoOther()
    {
        var csv = new StringBuilder("city\n");
        for (var i = 0; i < 150; i++) csv.Append('c').Append(i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
        for (var i = 0; i < 5; i++) csv.Append("c149\n");
        var path = _dir.File("cities.csv", csv.ToString());
        var output = _dir.Combine("out.json");

        Assert.Equal(0, (await CliRunner.RunAsync("profile", "create", "--type", "psi", "--input", path, "-o", output)).ExitCode);

        var city = PsiDriftProfile.Load(output).Features["city"];
        Assert.Equal(100, city.BinCount);
        Assert.Equal("__other__", city.Categories![^1]);
        Assert.Equal("c000", city.Categories[0]);
        Assert.Equal("c149", city.Categories[98]);
        Assert.DoesNotContain("c098", city.Categories);
        Assert.Equal(51.0 / 155, city.Proportions[^1], 12);
    }

    [Fact]
    public async Task UnseenCategoriesAtDriftTime_AreDriftNotErrors()
    {
        var train = new StringBuilder("color\n");
        for (var i = 0; i < 300; i++) train.Append(i % 2 == 0 ? "red\n" : "blue\n");
        var live = new StringBuilder("color\n");
        for (var i = 0; i < 300; i++) live.Append(i % 3 == 0 ? "green\n" : i % 2 == 0 ? "red\n" : "blue\n");
        var profile = _dir.Combine("out.json");
        Assert.Equal(0, (await CliRunner.RunAsync("profile", "create", "--type", "psi", "--input", _dir.File("train.csv", train.ToString()), "-o", profile)).ExitCode);

        var result = await CliRunner.RunAsync("drift", "compute", "--profile", profile, "--input", _dir.File("live.csv", live.ToString()), "--json");

        Assert.Equal(0, result.ExitCode);
        var color = JsonNode.Parse(result.Out)!["features"]!["color"]!;
        Assert.True((bool)color["alert"]!);
        Assert.Equal("critical", (string?)color["severity"]);
    }

    [Fact]
    public async Task TextInNumericFeatureAtDriftTime_NamesRowAndValue()
    {
        var profile = _dir.Combine("out.json");
        Assert.Equal(0, (await CreateAsync(_dir.File("train.csv", "x\n1\n2\n3\n4\n"))).ExitCode);
        var live = _dir.File("live.csv", "x\n1\n2\nabc\n");

        var result = await CliRunner.RunAsync("drift", "compute", "--profile", profile, "--input", live);

        AssertBadInput(result, live, "'x'", "row 3", "'abc'");
    }

    [Theory]
    [InlineData("--bins", "1", "--bins")]
    [InlineData("--binning", "equal_width:magic", "binning")]
    [InlineData("--type", "kde", "kde")]
    [InlineData("--sample-size", "x", "x")]
    public async Task BadOptions_AreBadInput(string option, string value, string mention)
    {
        var path = _dir.File("data.csv", "a\n1\n2\n");
        var args = new List<string> { "profile", "create", "--input", path, "-o", _dir.Combine("o.json"), option, value };
        if (option != "--type") args.AddRange(["--type", "psi"]);
        AssertBadInput(await CliRunner.RunAsync([.. args]), mention);
    }

    [Fact]
    public async Task CorruptProfile_NamesProfileFile()
    {
        var profile = _dir.File("broken.json", "{\"drift_type\":\"psi\",");
        var result = await CliRunner.RunAsync("drift", "compute", "--profile", profile, "--input", CliRunner.SampleData("credit_live.csv"));
        AssertBadInput(result, profile);
    }
}
