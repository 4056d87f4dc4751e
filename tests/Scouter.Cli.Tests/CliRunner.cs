using Xunit;

namespace Scouter.Cli.Tests;

/// <summary>Runs the CLI in-process with captured stdout/stderr, and finds the shipped sample data.</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string Out, string Error)
    {
        public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        /// <summary>Asserts the exit code and exactly one stderr line, containing each of <paramref name="parts"/>; returns the line.</summary>
        public string AssertFailed(int exitCode, params string[] parts)
        {
            Assert.True(ExitCode == exitCode, $"exit {ExitCode}, expected {exitCode}: {Error}");
            var line = Assert.Single(ErrorLines);
            foreach (var part in parts) Assert.Contains(part, line);
            return line;
        }
    }

    public static async Task<Result> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CliApp.RunAsync(args, stdout, stderr, interactive: false, cancellationToken: TestContext.Current.CancellationToken);
        return new Result(code, stdout.ToString(), stderr.ToString());
    }

    public static string SampleData(string file)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "samples", "data", file);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("samples/data not found above the test directory", file);
    }
}
