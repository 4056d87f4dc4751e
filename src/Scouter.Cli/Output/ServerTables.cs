using System.Globalization;
using Scouter.Api;
using Spectre.Console;

namespace Scouter.Cli;

/// <summary>The server commands' lists as tables.</summary>
internal static class ServerTables
{
    public static void Profiles(IAnsiConsole console, IReadOnlyList<ProfileInfo> profiles)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("uid", "space", "name", "version", "type", "active", "schedule", "next run (UTC)");
        foreach (var p in profiles)
        {
            table.AddRow(p.Uid.ToString(), Markup.Escape(p.Space), Markup.Escape(p.Name), Markup.Escape(p.Version), EnumNames.Of(p.DriftType),
                p.Active ? "[green]yes[/]" : "no", Markup.Escape(p.Schedule + (p.TimeZone is { } tz ? $" ({tz})" : "")), Time(p.NextRun));
        }
        console.Write(table);
        console.MarkupLine(CultureInfo.InvariantCulture, "{0} profile(s).", profiles.Count);
    }

    public static void Alerts(IAnsiConsole console, AlertPage page)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("id", "status", "severity", "profile", "feature/metric", "kind", "created (UTC)", "ack by");
        foreach (var a in page.Items)
        {
            var status = a.Status switch { "firing" => "[red]firing[/]", "acknowledged" => "[yellow]acknowledged[/]", var s => Markup.Escape(s) };
            var kind = a.Zone is { } zone ? $"{a.Kind} zone {zone}" : a.Kind;
            table.AddRow(a.Id.ToString(CultureInfo.InvariantCulture), status, Markup.Escape(a.Severity), Markup.Escape($"{a.Space}/{a.Name}/{a.Version}"),
                Markup.Escape(a.FeatureOrMetric), Markup.Escape(kind), Time(a.CreatedAt), Markup.Escape(a.AcknowledgedBy ?? "-"));
        }
        console.Write(table);
        console.MarkupLine(CultureInfo.InvariantCulture, "{0} of {1} alert(s) (page {2}).", page.Items.Count, page.Total, page.Page);
    }

    public static string Time(DateTimeOffset? time) => time?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "-";
}
