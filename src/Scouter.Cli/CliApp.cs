using System.CommandLine;
using System.CommandLine.Parsing;
using Scouter.Cli.Commands;
using Scouter.Client;

namespace Scouter.Cli;

/// <summary>
/// The <c>scouter</c> command line. Exit codes: 0 success, 2 bad input (one line on stderr naming
/// the file, column, row and value where they apply), 3 the server refused (one line with the problem's
/// code and detail), 1 anything unexpected, including a server that cannot be reached (one line, no stack trace).
/// </summary>
internal static class CliApp
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int BadInput = 2;
    public const int ServerRefused = 3;

    /// <summary>Runs one command line; <paramref name="environment"/> replaces the process environment (tests).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, bool interactive = false, Func<string, string?>? environment = null,
        CancellationToken cancellationToken = default)
    {
        var context = new CliContext(stdout, stderr, interactive, environment);
        var root = new RootCommand("Scouter: ML model monitoring. Build drift profiles, inspect them, and compute drift locally.")
        {
            LoginCommand.Create(context),
            ProfileCommands.Create(context),
            DriftCommands.Create(context),
            AlertCommands.Create(context),
            CheckCommands.Create(context),
            ServerCommand.Create(),
            DemoCommand.Create(context),
        };

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            await stderr.WriteLineAsync($"error: {Describe(parsed.Errors[0])}");
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
        catch (ScouterApiException ex) when (ex.StatusCode >= 400)
        {
            await stderr.WriteLineAsync($"error: server refused ({ex.StatusCode} {ex.Code ?? "no_code"}): {OneLine(ex.Detail)}");
            return ServerRefused;
        }
        catch (ScouterApiException ex)
        {
            // No answer (connection refused, DNS, timeout; the message names the method and URL) or an answer the client cannot read: nothing was refused.
            var what = ex.StatusCode == 0 ? "cannot reach the server" : "unexpected answer from the server";
            await stderr.WriteLineAsync($"error: {what} ({ex.Code}): {OneLine(ex.Detail)}");
            return Failure;
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

    /// <summary>The parser's message, led by the option it is about when the message does not name it.</summary>
    private static string Describe(ParseError error)
    {
        var message = OneLine(error.Message);
        for (var symbol = error.SymbolResult; symbol is not null; symbol = symbol.Parent)
        {
            if (symbol is OptionResult option)
                return message.Contains(option.Option.Name, StringComparison.Ordinal) ? message : $"{option.Option.Name}: {message}";
        }
        return message;
    }

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
}
