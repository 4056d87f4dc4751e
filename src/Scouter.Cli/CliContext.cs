using Spectre.Console;

namespace Scouter.Cli;

/// <summary>
/// Where a command writes (stdout for results, stderr for diagnostics and progress) and the environment it
/// reads (<c>SCOUTER_*</c> variables; tests pass their own so they can run in parallel).
/// </summary>
internal sealed class CliContext(TextWriter stdout, TextWriter stderr, bool interactive, Func<string, string?>? environment = null)
{
    public TextWriter Out { get; } = stdout;

    public TextWriter Error { get; } = stderr;

    /// <summary>Whether stderr is a terminal (progress bars are shown only then).</summary>
    public bool Interactive { get; } = interactive;

    /// <summary>Reads an environment variable; null or empty when unset.</summary>
    public Func<string, string?> Environment { get; } = environment ?? System.Environment.GetEnvironmentVariable;

    public IAnsiConsole OutConsole { get; } = OutputConsole(stdout, interactive);

    public IAnsiConsole ErrorConsole { get; } = AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(stderr),
        Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
        Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
    });

    /// <summary>Output width when stdout is not a terminal (a file or pipe): wide enough that table rows stay on one line.</summary>
    internal const int RedirectedWidth = 160;

    private static IAnsiConsole OutputConsole(TextWriter stdout, bool interactive)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        if (!interactive) console.Profile.Width = RedirectedWidth;
        return console;
    }
}
