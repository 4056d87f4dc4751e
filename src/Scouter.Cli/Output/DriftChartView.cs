using System.Globalization;
using Scouter.Api;
using Spectre.Console;

namespace Scouter.Cli;

/// <summary>
/// <c>drift show</c> in the terminal: a table per drift type with each series as a sparkline (oldest left),
/// and a bar chart of PSI per feature or of each metric's window mean beside its baseline.
/// </summary>
internal static class DriftChartView
{
    private const string Ticks = "▁▂▃▄▅▆▇█";
    private const int SparklineWidth = 24;

    public static void Psi(IAnsiConsole console, PsiDriftResponse drift)
    {
        Window(console, drift.From, drift.To);
        var table = new Table().Border(TableBorder.Rounded).AddColumns("feature", "psi", "threshold", "n", "status", "alert", "psi per bucket");
        var max = drift.Features.Values.SelectMany(f => f.BucketPsi.Append(f.Threshold)).Max() ?? 0;
        foreach (var (name, f) in drift.Features)
        {
            table.AddRow(Markup.Escape(name), F(f.Psi), F(f.Threshold), f.N.ToString(CultureInfo.InvariantCulture), EnumNames.Of(f.Status),
                f.Alert ? "[red]yes[/]" : "[green]no[/]", Sparkline(f.BucketPsi, 0, max));
        }
        console.Write(table);
        var chart = new BarChart().Width(72).Label("[bold]PSI over the window[/] (threshold in brackets; red: alert)").UseValueFormatter(v => F(v));
        foreach (var (name, f) in drift.Features)
            chart.AddItem(Markup.Escape($"{name} [{F(f.Threshold)}]"), f.Psi ?? 0, f.Alert ? Color.Red : Color.Green);
        console.Write(chart);
        console.MarkupLine(CultureInfo.InvariantCulture, "{0} of {1} features alert.", drift.Features.Values.Count(f => f.Alert), drift.Features.Count);
    }

    public static void Spc(IAnsiConsole console, SpcDriftResponse drift)
    {
        Window(console, drift.From, drift.To);
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumns("feature", drift.Bucketed ? "buckets" : "samples", "center", "LCL (3σ)", "UCL (3σ)", "latest mean", "outside 3σ", "rule alerts", "means (LCL..UCL)");
        foreach (var (name, f) in drift.Features)
        {
            IReadOnlyList<double?> means = drift.Bucketed && f.Buckets is { } b ? b.Means : [.. f.Means.Select(m => (double?)m)];
            var present = means.OfType<double>().ToList();
            var lo = Math.Min(f.Limits.ThreeLcl, present.DefaultIfEmpty(f.Limits.ThreeLcl).Min());
            var hi = Math.Max(f.Limits.ThreeUcl, present.DefaultIfEmpty(f.Limits.ThreeUcl).Max());
            var outside = present.Count(m => m < f.Limits.ThreeLcl || m > f.Limits.ThreeUcl);
            table.AddRow(Markup.Escape(name), means.Count.ToString(CultureInfo.InvariantCulture), F(f.Limits.Center), F(f.Limits.ThreeLcl), F(f.Limits.ThreeUcl),
                present.Count > 0 ? F(present[^1]) : "-", outside > 0 ? $"[red]{outside}[/]" : "0",
                f.Alerts.Count > 0 ? "[red]" + Markup.Escape(string.Join(", ", f.Alerts.Select(a => EnumNames.Of(a.Kind)).Distinct())) + "[/]" : "[green]none[/]",
                Sparkline(means, lo, hi));
        }
        console.Write(table);
        console.MarkupLine("Sparklines span the 3σ limits (wider when a mean lies outside them); oldest left.");
    }

    public static void Metrics(IAnsiConsole console, MetricDriftResponse drift)
    {
        Window(console, drift.From, drift.To);
        var table = new Table().Border(TableBorder.Rounded).AddColumns("metric", "mean", "baseline", "condition", "delta", "n", "alert", "mean per bucket, baseline");
        foreach (var (name, m) in drift.Metrics)
        {
            var present = m.Means.OfType<double>().Append(m.Baseline).ToList();
            table.AddRow(Markup.Escape(name), F(m.Mean), F(m.Baseline), EnumNames.Of(m.Condition), F(m.Delta), m.Count.ToString(CultureInfo.InvariantCulture),
                m.Alert ? "[red]yes[/]" : "[green]no[/]", Sparkline(m.Means, present.Min(), present.Max()) + " " + Tick(m.Baseline, present.Min(), present.Max()));
        }
        console.Write(table);
        if (drift.RecordStatus is { } status)
            console.MarkupLine(Markup.Escape("records: " + string.Join(", ", status.Select(s => $"{s.Key} {s.Value}"))));
        // One chart per metric (metrics have their own scales); a bar has no negative length, so a metric with a negative mean or baseline has none.
        foreach (var (name, m) in drift.Metrics)
        {
            if (m.Baseline < 0 || m.Mean < 0) continue;
            var chart = new BarChart().Width(60).Label(Markup.Escape($"{name}: alert when {AlertRule(m)}")).UseValueFormatter(v => F(v))
                .AddItem("mean", m.Mean ?? 0, m.Alert ? Color.Red : Color.Green)
                .AddItem("baseline", m.Baseline, Color.Grey);
            console.Write(chart);
        }
    }

    private static string AlertRule(MetricSeries m)
    {
        var delta = m.Delta ?? 0;
        return m.Condition switch
        {
            AlertThreshold.Above => $"mean > {F(m.Baseline + delta)}",
            AlertThreshold.Below => $"mean < {F(m.Baseline - delta)}",
            _ => $"mean outside {F(m.Baseline - delta)}..{F(m.Baseline + delta)}",
        };
    }

    /// <summary>One block per value scaled from <paramref name="lo"/> (lowest) to <paramref name="hi"/> (highest), <c>·</c> for no data; the newest values when there are many.</summary>
    internal static string Sparkline(IReadOnlyList<double?> values, double lo, double hi) =>
        string.Concat(values.TakeLast(SparklineWidth).Select(v => v is { } x ? Tick(x, lo, hi) : "·"));

    private static string Tick(double value, double lo, double hi)
    {
        if (!(hi > lo)) return Ticks[3].ToString();
        var index = (int)Math.Round((value - lo) / (hi - lo) * (Ticks.Length - 1));
        return Ticks[Math.Clamp(index, 0, Ticks.Length - 1)].ToString();
    }

    private static void Window(IAnsiConsole console, DateTimeOffset from, DateTimeOffset to) =>
        console.MarkupLine(CultureInfo.InvariantCulture, "window ({0}, {1}]] UTC", ServerTables.Time(from), ServerTables.Time(to));

    private static string F(double? value) => value?.ToString("0.######", CultureInfo.InvariantCulture) ?? "-";
}
