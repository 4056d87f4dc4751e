using System.Globalization;
using Spectre.Console;

namespace Scouter.Cli;

/// <summary>Human-readable drift results.</summary>
internal static class DriftView
{
    public static void Render(IAnsiConsole console, object report)
    {
        var table = new Table().Border(TableBorder.Rounded);
        switch (report)
        {
            case PsiDriftReport psi:
                table.AddColumns("feature", "psi", "threshold", "n", "status", "alert");
                foreach (var (name, f) in psi.Features)
                {
                    var alert = f.Alert ? $"[red]{EnumNames.Of(f.Severity!.Value)}[/]" : "[green]no[/]";
                    table.AddRow(Markup.Escape(name), F(f.Psi), F(f.Threshold), f.N.ToString(CultureInfo.InvariantCulture), EnumNames.Of(f.Status), alert);
                }
                console.Write(table);
                var alerting = psi.Features.Count(f => f.Value.Alert);
                console.MarkupLine(CultureInfo.InvariantCulture, "{0} of {1} features drifted.", alerting, psi.Features.Count);
                break;
            case SpcDriftReport spc:
                table.AddColumns("feature", "samples", "zone codes (latest 20)", "alerts");
                foreach (var (name, f) in spc.Features)
                {
                    var codes = string.Join(' ', f.Codes.TakeLast(20));
                    var alerts = f.Alerts.Count == 0
                        ? "[green]none[/]"
                        : "[red]" + Markup.Escape(string.Join(", ", f.Alerts.Select(a => a.Zone is { } z ? $"{EnumNames.Of(a.Kind)} zone {z}" : EnumNames.Of(a.Kind)))) + "[/]";
                    table.AddRow(Markup.Escape(name), f.Means.Count.ToString(CultureInfo.InvariantCulture), codes, alerts);
                }
                console.Write(table);
                break;
        }
    }

    private static string F(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);
}
