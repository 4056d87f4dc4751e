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
                table.AddColumns("feature", "samples", "zone codes (latest 20)", "rule hits", "alert");
                foreach (var (name, f) in spc.Features)
                {
                    var codes = string.Join(' ', f.Codes.TakeLast(20));
                    var alerts = f.Alerts.Count == 0
                        ? "[green]none[/]"
                        : "[red]" + Markup.Escape(string.Join(", ", f.Alerts.Select(a => a.Zone is { } z ? $"{EnumNames.Of(a.Kind)} zone {z}" : EnumNames.Of(a.Kind)))) + "[/]";
                    var decision = f.Alert ? "[red]yes[/]" : "[green]no[/]";
                    table.AddRow(Markup.Escape(name), f.Means.Count.ToString(CultureInfo.InvariantCulture), codes, alerts, decision);
                }
                console.Write(table);
                console.MarkupLine(CultureInfo.InvariantCulture,
                    "{0} of {1} features alert (rule run lengths calibrated to each feature's sample count for a {2:P0} false-alarm rate; rule hits are the rules as configured).",
                    spc.Features.Count(f => f.Value.Alert), spc.Features.Count, spc.Features.Values.FirstOrDefault(f => f.Calibration is not null)?.Calibration?.FalseAlarmRate ?? Drift.SpcAlertCalibration.DefaultFalseAlarmRate);
                break;
        }
    }

    private static string F(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);
}
