using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Scouter.Server;

namespace Scouter.Cli.Commands;

/// <summary><c>scouter server</c>: runs the embedded server (SQLite by default) until Ctrl+C.</summary>
internal static class ServerCommand
{
    public static Command Create()
    {
        var port = new Option<int?>("--port") { Description = "HTTP port (default 8000, or SCOUTER_PORT)." };
        var dataDir = new Option<string?>("--data-dir") { Description = "Data directory for the SQLite database and generated keys (default ./scouter-data, or SCOUTER_DATA_DIR)." };
        var databaseUri = new Option<string?>("--database-uri") { Description = "postgresql://user:pass@host:port/db (default: SQLite in the data directory, or SCOUTER_DATABASE_URI)." };
        var host = new Option<string?>("--host") { Description = "Address to listen on (default 127.0.0.1)." };
        var command = new Command("server", "Run the Scouter server.") { port, dataDir, databaseUri, host };
        command.SetAction(async (parse, ct) =>
        {
            await using var app = ScouterServer.Build([], o =>
            {
                if (parse.GetValue(port) is { } p) o.Port = p;
                if (parse.GetValue(dataDir) is { } d) o.DataDir = Path.GetFullPath(d);
                if (parse.GetValue(databaseUri) is { } u) o.DatabaseUri = u;
                if (parse.GetValue(host) is { } h) o.Host = h;
            });
            await app.StartAsync(ct);
            await app.WaitForShutdownAsync(ct);
            await app.StopAsync(CancellationToken.None);
            return CliApp.Success;
        });
        return command;
    }
}
