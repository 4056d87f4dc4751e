using System.CommandLine;
using Scouter.Cli.Connection;

namespace Scouter.Cli.Commands;

/// <summary><c>scouter login</c>: checks a server address and credentials, then saves them for the other commands.</summary>
internal static class LoginCommand
{
    public static Command Create(CliContext context)
    {
        var server = new Option<string?>("--server") { Description = "Server URL (default: SCOUTER_SERVER_URI, else SCOUTER_SERVER_URL)." };
        var apiKey = new Option<string?>("--api-key") { Description = "An API key (default: SCOUTER_API_KEY)." };
        var username = new Option<string?>("--username", "-u") { Description = "User name (default: SCOUTER_USERNAME)." };
        var password = new Option<string?>("--password") { Description = "Password (default: SCOUTER_PASSWORD, which keeps it off the command line)." };
        var json = CommonOptions.Json();
        var command = new Command("login", "Check a server URL and credentials against the server and save them (owner-only file) for the other commands.")
        {
            server, apiKey, username, password, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            string? Env(string variable) => context.Environment(variable) is { Length: > 0 } value ? value : null;
            var url = parse.GetValue(server) ?? CliCredentials.ServerFromEnvironment(context)
                ?? throw new ScouterConfigException("--server", null, "is required (or set SCOUTER_SERVER_URI)");
            // Options win over the environment as a whole, so an exported SCOUTER_API_KEY does not clash with --username.
            (string? Key, string? User) chosen = (parse.GetValue(apiKey), parse.GetValue(username)) switch
            {
                ({ }, { }) => throw new ScouterConfigException("--api-key", null, "and --username exclude each other: log in with an API key or with a user name and password"),
                (null, null) => Env("SCOUTER_API_KEY") is { } envKey ? (envKey, null) : (null, Env("SCOUTER_USERNAME")),
                var given => given,
            };
            var (key, user) = chosen;
            if (key is null && user is null)
                throw new ScouterConfigException("--api-key", null, "or --username is required (or set SCOUTER_API_KEY, or SCOUTER_USERNAME and SCOUTER_PASSWORD)");
            var pass = user is null ? null : (parse.GetValue(password) ?? Env("SCOUTER_PASSWORD"))
                ?? throw new ScouterConfigException("--password", null, "is required with --username (or set SCOUTER_PASSWORD)");

            var login = new SavedLogin(url, key, user, pass);
            using var client = CliCredentials.CreateClient(login);
            var me = await client.GetMeAsync(ct);
            var path = CliCredentials.Save(context, login);
            if (parse.GetValue(json))
            {
                await CliJson.WriteAsync(context, me, CliJsonContext.Default.CallerInfo, ("server", url), ("credentials_file", path));
            }
            else
            {
                await context.Out.WriteLineAsync($"Logged in to {url} as {me.Name} ({me.Kind}{(me.GlobalRole is { } role ? ", " + role : "")}); saved to {path}");
            }
            return CliApp.Success;
        });
        return command;
    }
}
