using Xunit;

namespace Scouter.Packaging.Tests;

/// <summary>Every shipped package carries the metadata a package feed shows, and its symbols.</summary>
public sealed class MetadataTests(PackedPackages packed)
{
    public static TheoryData<string> Shipped => [.. PackedPackages.Shipped];

    [Theory]
    [MemberData(nameof(Shipped))]
    public async Task Package_HasDescriptionLicenceReadmeRepositoryAndSymbols(string id)
    {
        var metadata = packed.Metadata(id);
        string? Value(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;

        Assert.Equal(id, Value("id"));
        Assert.Equal(packed.Version, Value("version"));
        Assert.False(string.IsNullOrWhiteSpace(Value("description")));
        var license = metadata.Elements().Single(e => e.Name.LocalName == "license");
        Assert.Equal("expression", license.Attribute("type")?.Value);
        Assert.Equal("MIT", license.Value);
        Assert.Equal("README.md", Value("readme"));
        Assert.Contains("README.md", packed.Entries(id));
        var repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");
        Assert.Equal("git", repository.Attribute("type")?.Value);
        Assert.Equal(await GitHeadAsync(), repository.Attribute("commit")?.Value);

        var symbols = Path.ChangeExtension(packed.PackagePath(id), ".snupkg");
        Assert.True(File.Exists(symbols), $"{symbols} was not produced");
    }

    [Fact]
    public void CliPackage_IsADotnetTool()
    {
        var types = packed.Metadata("Scouter.Cli").Elements().Single(e => e.Name.LocalName == "packageTypes");
        Assert.Contains(types.Elements(), t => t.Attribute("name")?.Value == "DotnetTool");
        Assert.Contains(packed.Entries("Scouter.Cli"), e => e.EndsWith("/scouter.dll", StringComparison.Ordinal));
    }

    private static async Task<string> GitHeadAsync()
    {
        var (exit, output) = await DotnetCli.RunProgramAsync("git", DotnetCli.RepositoryRoot, null, TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken, "rev-parse", "HEAD");
        Assert.Equal(0, exit);
        return output.Trim();
    }
}
