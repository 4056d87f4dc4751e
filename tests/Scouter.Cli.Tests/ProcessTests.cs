using System.Diagnostics;
using Xunit;

namespace Scouter.Cli.Tests;

/// <summary>The real executable: exit codes and stderr as a shell sees them.</summary>
public sealed class ProcessTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Executable_BadInput_ExitsTwoWithOneLine()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "scouter.dll");
        var input = _dir.File("ragged.csv", "a,b\n1,2\n3\n");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { dll, "profile", "create", "--type", "psi", "--input", input, "-o", _dir.Combine("o.json") }) start.ArgumentList.Add(arg);

        using var process = Process.Start(start)!;
        var stderr = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stdout = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.Equal(2, process.ExitCode);
        Assert.Empty(stdout);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(input, line, StringComparison.Ordinal);
        Assert.Contains("row 2", line, StringComparison.Ordinal);
    }
}
