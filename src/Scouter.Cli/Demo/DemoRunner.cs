using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Scouter.Server;
using Scouter.Testing;
using Spectre.Console;

namespace Scouter.Cli.Demo;

/// <summary>Options of <c>scouter demo</c>.</summary>
/// <param name="Transport">Queue transport: <c>http</c>, <c>kafka</c>, <c>rabbitmq</c> or <c>redis</c>.</param>
/// <param name="Inferences">Inferences to stream; the first half in-distribution, the second half drifted.</param>
/// <param name="Port">Embedded server port (0: any free port).</param>
/// <param name="KeepRunning">Keep the server up until Ctrl+C after the report.</param>
/// <param name="Broker">Broker address for a broker transport (default: its environment variable).</param>
internal sealed record DemoOptions(string Transport, int Inferences, int Port, bool KeepRunning, string? Broker = null);

/// <summary>
/// <c>scouter demo</c>: starts the embedded server over SQLite in a temp directory (and the transport's
/// broker check and the scripted judge), runs the <see cref="DemoScenario"/>, prints its
/// <see cref="DemoReport"/>, and cleans up.
/// </summary>
internal static class DemoRunner
{
    public static async Task<int> RunAsync(CliContext context, DemoOptions options, CancellationToken cancellationToken)
    {
        string? tempDir = null;
        WebApplication? app = null;
        ScriptedJudge? judge = null;
        DemoTransport? transport = null;
        try
        {
            var samples = DemoData.FindSampleData();
            transport = DemoTransport.Create(options.Transport, options.Broker);
            if (await transport.CheckReachableAsync(cancellationToken) is { } unreachable)
            {
                await context.Error.WriteLineAsync($"error: {unreachable}");
                return CliApp.BadInput;
            }
            judge = await LlmDemo.StartJudgeAsync();
            tempDir = Directory.CreateTempSubdirectory("scouter-demo-").FullName;
            var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
            var secret = RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 48);
            var dataDir = tempDir;
            app = ScouterServer.Build([], o =>
            {
                o.Port = options.Port;
                o.DataDir = dataDir;
                o.AdminPassword = password;
                o.JwtSecret = secret;
                o.JobPollInterval = TimeSpan.FromSeconds(1);
                transport.ConfigureServer(o);
                LlmDemo.ConfigureServer(o, judge);
            }, QuietLogging);
            await app.StartAsync(cancellationToken);
            var url = ScouterServer.Url(app);

            var report = await DemoScenario.RunAsync(context, options, transport, samples, url, password, LlmDemo.JudgeDescription(judge), cancellationToken);
            report.Render(context, url);

            if (report.Mismatches.Count > 0)
            {
                await context.Error.WriteLineAsync($"error: inserted != stored for {string.Join(", ", report.Mismatches)}");
                return CliApp.Failure;
            }

            if (options.KeepRunning)
            {
                context.OutConsole.MarkupLineInterpolated($"Dashboard: [bold]{url}/ui/[/] (user admin, password {password}); API at {url}/api/v1; press Ctrl+C to stop.");
                await app.WaitForShutdownAsync(cancellationToken);
            }
            return CliApp.Success;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && options.KeepRunning)
        {
            return CliApp.Success;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await context.Error.WriteLineAsync($"error: demo failed: {OneLine(ex.Message)}");
            return CliApp.Failure;
        }
        finally
        {
            if (app is not null)
            {
                await app.StopAsync(CancellationToken.None);
                await app.DisposeAsync();
            }
            if (tempDir is not null) TryDelete(tempDir);
            transport?.Dispose();
            if (judge is not null) await judge.DisposeAsync();
        }
    }

    private static void QuietLogging(IServiceCollection services)
    {
        services.Configure<LoggerFilterOptions>(o =>
        {
            o.MinLevel = LogLevel.Warning;
            o.Rules.Clear();
            // Unconfigured Slack/OpsGenie/webhook channels fall back to the console; the demo needs none of them.
            o.Rules.Add(new LoggerFilterRule(null, "Scouter.Server.Alerts.AlertChannels", LogLevel.Error, null));
            // A failed start (port in use) is reported by the demo as one line on stderr.
            o.Rules.Add(new LoggerFilterRule(null, "Microsoft.Extensions.Hosting", LogLevel.None, null));
        });
        // Keep stdout for the report: server warnings go to stderr.
        services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    }

    private static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold a file briefly; the OS cleans temp directories.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
}
