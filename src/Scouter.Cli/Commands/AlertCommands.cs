using System.CommandLine;
using Scouter.Cli.Connection;
using Scouter.Client;

namespace Scouter.Cli.Commands;

/// <summary><c>scouter alerts list|ack</c>.</summary>
internal static class AlertCommands
{
    public static Command Create(CliContext context)
    {
        var alerts = new Command("alerts", "List and acknowledge the server's drift alerts.");
        alerts.Subcommands.Add(List(context));
        alerts.Subcommands.Add(Acknowledge(context));
        return alerts;
    }

    private static Command List(CliContext context)
    {
        var space = new Option<string?>("--space") { Description = "Only this space." };
        var status = new Option<string?>("--status") { Description = "firing, acknowledged or resolved (default: all)." };
        status.AcceptOnlyFromAmong("firing", "acknowledged", "resolved");
        var profile = new Option<Guid?>("--profile") { Description = "Only this profile's alerts (its uid)." };
        var pageSize = new Option<int?>("--limit") { Description = "At most this many, newest first (1-500; server default 50)." };
        var page = new Option<int?>("--page") { Description = "Page of --limit alerts, from 1 (default 1)." };
        var json = CommonOptions.Json();
        var command = new Command("list", "List alerts, newest first.") { space, status, profile, pageSize, page, json };
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(pageSize) is { } limit && limit is < 1 or > 500)
                throw new ScouterConfigException("--limit", limit, "must be between 1 and 500");
            if (parse.GetValue(page) is < 1) throw new ScouterConfigException("--page", parse.GetValue(page), "must be at least 1");
            using var client = CliCredentials.Connect(context);
            var alerts = await client.GetAlertsAsync(new AlertQuery
            {
                Space = parse.GetValue(space), Status = parse.GetValue(status), Uid = parse.GetValue(profile), PageSize = parse.GetValue(pageSize), Page = parse.GetValue(page),
            }, ct);
            if (parse.GetValue(json)) await CliJson.WriteAsync(context, alerts, CliJsonContext.Default.AlertPage);
            else ServerTables.Alerts(context.OutConsole, alerts);
            return CliApp.Success;
        });
        return command;
    }

    private static Command Acknowledge(CliContext context)
    {
        var id = new Argument<long>("id") { Description = "The alert's id (see scouter alerts list)." };
        var json = CommonOptions.Json();
        var command = new Command("ack", "Acknowledge an alert: it stays open until a check no longer finds it.") { id, json };
        command.SetAction(async (parse, ct) =>
        {
            using var client = CliCredentials.Connect(context);
            var alert = await client.AcknowledgeAlertAsync(parse.GetValue(id), ct);
            if (parse.GetValue(json)) await CliJson.WriteAsync(context, alert, CliJsonContext.Default.Alert);
            else await context.Out.WriteLineAsync($"Alert {alert.Id} ({alert.Space}/{alert.Name}/{alert.Version} {alert.FeatureOrMetric}) is {alert.Status}, by {alert.AcknowledgedBy}");
            return CliApp.Success;
        });
        return command;
    }
}
