using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace Scouter.Packaging.Tests;

/// <summary>Runs the <c>dotnet</c> command line the way a user would, and other programs (git, the installed tool), bounded in time.</summary>
internal static class DotnetCli
{
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>The configuration these tests were built in; the packed projects were built in the same one.</summary>
    public static string Configuration { get; } =
        typeof(DotnetCli).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";

    public static async Task<string> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string>? environment, CancellationToken ct, params string[] args)
    {
        var env = new Dictionary<string, string>
        {
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            // A build server left behind by one call would outlive the test and hold its files.
            ["MSBUILDDISABLENODEREUSE"] = "1",
            ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
        };
        if (environment is not null)
            foreach (var (key, value) in environment) env[key] = value;
        var (exit, output) = await RunProgramAsync("dotnet", workingDirectory, env, TimeSpan.FromMinutes(5), ct, args);
        if (exit != 0)
            throw new InvalidOperationException($"dotnet {string.Join(' ', args)} exited with {exit}:\n{output}");
        return output;
    }

    /// <summary>Runs <paramref name="program"/> to its end (killed after <paramref name="timeout"/>): its exit code and its stdout and stderr, interleaved.</summary>
    public static async Task<(int Exit, string Output)> RunProgramAsync(string program, string workingDirectory, IReadOnlyDictionary<string, string>? environment,
        TimeSpan timeout, CancellationToken ct, params string[] args)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        if (environment is not null)
            foreach (var (key, value) in environment) start.Environment[key] = value;

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var output = new StringBuilder();
        var stdout = PumpAsync(process.StandardOutput, output);
        var stderr = PumpAsync(process.StandardError, output);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish within {timeout}:\n{output}");
        }
        await Task.WhenAll(stdout, stderr);
        return (process.ExitCode, output.ToString());
    }

    private static async Task PumpAsync(StreamReader reader, StringBuilder output)
    {
        while (await reader.ReadLineAsync() is { } line)
            lock (output) output.AppendLine(line);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Scouter.slnx"))) return dir.FullName;
        throw new InvalidOperationException("Scouter.slnx not found above " + AppContext.BaseDirectory);
    }
}
