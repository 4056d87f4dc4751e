using System.CommandLine;
using System.Text.Json;
using Scouter.Cli.Connection;

namespace Scouter.Cli.Commands;

/// <summary><c>scouter check run</c>: a profile's drift check now, as the scheduler would run it.</summary>
internal static class CheckCommands
{
    public static Command Create(CliContext context)
    {
        var uid = CommonOptions.Uid();
        var json = CommonOptions.Json();
        var run = new Command("run", "Run a profile's drift check now over the records since its last check; opens and resolves alerts.") { uid, json };
        run.SetAction(async (parse, ct) =>
        {
            using var client = CliCredentials.Connect(context);
            var result = await client.RunDriftCheckAsync(parse.GetValue(uid), ct);
            if (parse.GetValue(json))
            {
                await CliJson.WriteAsync(context, result, CliJsonContext.Default.JsonElement);
                return CliApp.Success;
            }
            await context.Out.WriteLineAsync(
                $"Check {Field(result, "check_run_id")} of {parse.GetValue(uid)}: {Field(result, "alerts_opened")} alert(s) opened, {Field(result, "alerts_resolved")} resolved.");
            return CliApp.Success;
        });
        var check = new Command("check", "Run drift checks on the server.");
        check.Subcommands.Add(run);
        return check;
    }

    private static string Field(JsonElement result, string name) =>
        result.ValueKind == JsonValueKind.Object && result.TryGetProperty(name, out var value) ? value.ToString() : "?";
}
