using Xunit;

namespace Scouter.Cli.Tests;

/// <summary>Runs the CLI in-process with captured stdout/stderr, and finds the shipped sample data.</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string Out, string Error)
    {
        public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public static async Task<Result> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CliApp.RunAsync(args, stdout, stderr, interactive: false, TestContext.Current.CancellationToken);
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
