using System.Text.Json;
using Xunit;

namespace Scouter.Packaging.Tests;

/// <summary>The README's install command: <c>dotnet tool install --add-source FOLDER Scouter.Cli</c> gives a working <c>scouter</c>.</summary>
public sealed class ToolInstallTests(PackedPackages packed)
{
    [Fact]
    public async Task ToolInstall_FromThePackedFolder_GivesAWorkingScouter()
    {
        var ct = TestContext.Current.CancellationToken;
        var dir = packed.NewWorkFolder("tool");
        var tools = Path.Combine(dir, "tools");
        // A packages folder of its own: the tool's package carries everything it runs with.
        var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(dir, "packages") };
        await DotnetCli.RunAsync(dir, environment, ct,
            "tool", "install", "--tool-path", tools, "--add-source", packed.Folder, "Scouter.Cli", "--version", packed.Version);

        var profile = Path.Combine(dir, "psi_profile.json");
        var input = Path.Combine(DotnetCli.RepositoryRoot, "samples", "data", "credit_train.csv");
        var (exit, stdout) = await DotnetCli.RunProgramAsync(Path.Combine(tools, "scouter"), dir, null, TimeSpan.FromMinutes(2), ct, "profile", "create", "--type", "psi", "--input", input, "-o", profile);
        Assert.True(exit == 0, stdout);

        using var saved = JsonDocument.Parse(await File.ReadAllBytesAsync(profile, ct));
        var features = saved.RootElement.GetProperty("features").EnumerateObject().Select(f => f.Name).ToList();
        var header = (await File.ReadAllLinesAsync(input, ct))[0].Split(',');
        Assert.Equal(header.Order(StringComparer.Ordinal), features.Order(StringComparer.Ordinal));
    }
}
