using System.CommandLine;
using Scouter.Cli.Commands;

namespace Scouter.Cli;

/// <summary>
/// The <c>scouter</c> command line. Exit codes: 0 success, 2 bad input (one line on stderr naming
/// the file, column, row and value where they apply), 1 anything unexpected (one line, no stack trace).
/// </summary>
internal static class CliApp
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int BadInput = 2;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, bool interactive = false, CancellationToken cancellationToken = default)
    {
        var context = new CliContext(stdout, stderr, interactive);
        var root = new RootCommand("Scouter: ML model monitoring. Build drift profiles, inspect them, and compute drift locally.")
        {
            ProfileCommands.Create(context),
            DriftCommands.Create(context),
            ServerCommand.Create(),
            DemoCommand.Create(context),
        };

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            await stderr.WriteLineAsync($"error: {OneLine(parsed.Errors[0].Message)}");
            return BadInput;
        }

        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false }, cancellationToken);
        }
        catch (Exception ex) when (ToBadInput(ex) is { } message)
        {
            await stderr.WriteLineAsync($"error: {message}");
            return BadInput;
        }
        catch (OperationCanceledException)
        {
            await stderr.WriteLineAsync("cancelled");
            return Failure;
        }
        catch (Exception ex)
        {
            await stderr.WriteLineAsync($"error: unexpected {ex.GetType().Name}: {OneLine(ex.Message)}");
            return Failure;
        }
    }

    private static string? ToBadInput(Exception ex) => ex switch
    {
        ScouterDataException or ScouterConfigException => OneLine(ex.Message),
        FileNotFoundException f => $"{f.FileName ?? "file"}: file not found",
        DirectoryNotFoundException or UnauthorizedAccessException or IOException => OneLine(ex.Message),
        _ => null,
    };

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
}
