using System.Globalization;
using Spectre.Console;

namespace Scouter.Cli;

/// <summary>Renders a profile as tables: identity and alerting first, then one row per feature or metric.</summary>
internal static class ProfileView
{
    public static void Render(IAnsiConsole console, DriftProfile profile)
    {
        var config = profile.Config;
        var header = new Grid().AddColumn().AddColumn();
        header.AddRow("[bold]drift type[/]", EnumNames.Of(profile.DriftType));
        header.AddRow("[bold]space/name/version[/]", Markup.Escape($"{config.Space}/{config.Name}/{config.Version}"));
        header.AddRow("[bold]uid[/]", config.Uid.ToString());
        header.AddRow("[bold]schedule[/]", Markup.Escape(config.Alerts.Schedule + (config.Alerts.TimeZone is { } tz ? $" ({tz})" : " (UTC)")));
        header.AddRow("[bold]dispatch[/]", Markup.Escape(string.Join(", ", config.Alerts.Dispatch.Select(Describe))));
        header.AddRow("[bold]created[/]", profile.CreatedAt.ToString("u", CultureInfo.InvariantCulture));
        foreach (var (key, value) in Details(profile)) header.AddRow($"[bold]{key}[/]", Markup.Escape(value));
        console.Write(header);
        console.WriteLine();
        console.Write(Body(profile));
    }

    private static IEnumerable<(string, string)> Details(DriftProfile profile)
    {
        switch (profile)
        {
            case PsiDriftProfile psi:
                var t = psi.Config.AlertConfig.Threshold;
                yield return ("binning", psi.Config.Binning.ToString());
                yield return ("threshold", $"{EnumNames.Of(t.Kind)} (alpha {F(t.Alpha)}, fixed {F(t.Value)}, min_psi {F(t.MinPsi)})");
                break;
            case SpcDriftProfile spc:
                yield return ("sample size", spc.Config.SampleSize.ToString(CultureInfo.InvariantCulture));
                yield return ("limit scale", EnumNames.Of(spc.Config.LimitScale));
                yield return ("rule", $"{spc.Config.AlertConfig.Rule} (zones {string.Join(',', spc.Config.AlertConfig.ZonesToMonitor)}, trend {spc.Config.AlertConfig.TrendLength})");
                break;
            case CustomDriftProfile custom:
                yield return ("sample size", custom.Config.SampleSize.ToString(CultureInfo.InvariantCulture));
                break;
            case LlmDriftProfile llm:
                yield return ("sample rate", F(llm.Config.SampleRate));
                break;
        }
    }

    private static Table Body(DriftProfile profile)
    {
        var table = new Table().Border(TableBorder.Rounded);
        switch (profile)
        {
            case PsiDriftProfile psi:
                table.AddColumns("feature", "kind", "bins", "missing", "rows", "edges / categories");
                foreach (var (name, f) in psi.Features)
                {
                    var bins = f.Kind == FeatureKind.Numeric
                        ? string.Join(", ", f.Edges!.Select(F))
                        : string.Join(", ", f.Categories!);
                    table.AddRow(Markup.Escape(name), EnumNames.Of(f.Kind), f.BinCount.ToString(CultureInfo.InvariantCulture),
                        F(f.MissingProportion), f.Count.ToString(CultureInfo.InvariantCulture), Markup.Escape(Truncate(bins, 80)));
                }
                break;
            case SpcDriftProfile spc:
                table.AddColumns("feature", "center", "sigma", "LCL (3σ)", "UCL (3σ)", "samples", "missing");
                foreach (var (name, f) in spc.Features)
                {
                    table.AddRow(Markup.Escape(name), F(f.Center), F(f.Sigma), F(f.ThreeLcl), F(f.ThreeUcl),
                        f.SampleCount.ToString(CultureInfo.InvariantCulture), f.MissingCount.ToString(CultureInfo.InvariantCulture));
                }
                break;
            case CustomDriftProfile custom:
                table.AddColumns("metric", "baseline", "condition", "delta");
                foreach (var m in custom.Metrics)
                    table.AddRow(Markup.Escape(m.Name), F(m.Baseline), EnumNames.Of(m.Condition), m.Delta is { } d ? F(d) : "-");
                break;
            case LlmDriftProfile llm:
                table.AddColumns("metric", "baseline", "condition", "delta", "judge prompt / assertion");
                foreach (var m in llm.Metrics)
                    table.AddRow(Markup.Escape(m.Name), F(m.Baseline), EnumNames.Of(m.Condition), m.Delta is { } d ? F(d) : "-", Markup.Escape(Truncate(m.Prompt, 60)));
                foreach (var a in llm.Assertions)
                {
                    var check = $"{a.Field} {EnumNames.Of(a.Operator)}{(a.Expected is null ? "" : " " + a.Expected.ToJsonString())}";
                    table.AddRow(Markup.Escape(a.Name), F(a.Baseline), EnumNames.Of(a.Condition), a.Delta is { } d ? F(d) : "-", Markup.Escape(Truncate(check, 60)));
                }
                break;
        }
        return table;
    }

    private static string Describe(DispatchConfig dispatch) => dispatch switch
    {
        SlackDispatchConfig s => $"slack {s.Channel}",
        OpsGenieDispatchConfig o => $"opsgenie {o.Team} {o.Priority}",
        WebhookDispatchConfig w => $"webhook {w.Url}",
        _ => "console",
    };

    private static string F(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    private static string Truncate(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
}
