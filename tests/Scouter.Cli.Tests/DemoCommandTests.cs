using System.Text.RegularExpressions;
using Xunit;

namespace Scouter.Cli.Tests;

/// <summary><c>scouter demo</c> end to end: embedded server, queue over HTTP, drift checks, in-process.</summary>
public sealed partial class DemoCommandTests
{
    [Fact]
    public async Task Demo_StoresEveryInsert_AndFindsDrift()
    {
        var result = await CliRunner.RunAsync("demo", "--inferences", "5000");

        Assert.True(result.ExitCode == 0, result.Error + result.Out);
        foreach (var alias in new[] { "psi", "spc", "custom" })
            Assert.Contains($"{alias}: inserted 5000 == stored 5000", result.Out, StringComparison.Ordinal);
        Assert.Contains("Queue: inserted 15000, aggregated 15000", result.Out, StringComparison.Ordinal);

        var drifted = DriftedLine().Match(result.Out);
        Assert.True(drifted.Success, result.Out);
        Assert.NotEqual("none", drifted.Groups[1].Value.Trim());
        Assert.Contains("approval_rate", result.Out, StringComparison.Ordinal);
        Assert.Matches(@"Server: http://127\.0\.0\.1:\d+", result.Out);
    }

    [Fact]
    public async Task Demo_RejectsUnknownTransport()
    {
        var result = await CliRunner.RunAsync("demo", "--transport", "kafka");

        Assert.Equal(CliApp.BadInput, result.ExitCode);
        Assert.Single(result.ErrorLines);
    }

    [GeneratedRegex(@"Drifted PSI features: (.+)")]
    private static partial Regex DriftedLine();
}
