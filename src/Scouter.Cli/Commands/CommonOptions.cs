using System.CommandLine;

namespace Scouter.Cli.Commands;

/// <summary>Options several commands share, declared once so they read and parse the same everywhere.</summary>
internal static class CommonOptions
{
    public static Option<bool> Json() => new("--json") { Description = "Write only JSON to stdout." };

    public static Option<Guid> Uid() => new("--uid") { Description = "The profile's uid (see scouter profile list).", Required = true };
}
