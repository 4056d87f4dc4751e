using System.Globalization;
using System.Text.Json;
using Scouter.Api;
using Scouter.Client;
using Spectre.Console;

namespace Scouter.Cli.Demo;

/// <summary>One profile's records: inserted into the queue vs stored by the server (min and max over its features).</summary>
internal sealed record DemoCount(string Alias, long Inserted, long StoredMin, long StoredMax, string What)
{
    public bool Matches => StoredMin == Inserted && StoredMax == Inserted;
}

/// <summary>What the demo found, and how it is printed.</summary>
internal sealed record DemoReport(string Route, int Inferences, TimeSpan Delivered, ScouterQueueStatistics Statistics, IReadOnlyList<DemoCount> Counts,
    IReadOnlyDictionary<string, JsonElement> Checks, JsonElement? CalmSpcCheck, AlertPage Alerts, IReadOnlyDictionary<Guid, string> AliasByUid, IReadOnlyList<string> Mismatches,
    string JudgeDescription, IReadOnlyDictionary<string, long> LlmStatus)
{
    /// <summary>Prints the report: queue statistics, inserted vs stored, the drift checks and the alerts.</summary>
    public void Render(CliContext context, string url)
    {
        var console = context.OutConsole;
        var s = Statistics;
        console.WriteLine(FormattableString.Invariant(
            $"Streamed {Inferences} inferences (first half credit_live.csv, second half credit_drifted.csv) into psi, spc, custom and llm (one LLM record per {LlmDemo.InferencesPerRecord}) over {Route}; stored by the server after {Delivered.TotalSeconds:F2} s ({Inferences / Delivered.TotalSeconds:N0} inferences/s end to end)."));
        console.WriteLine(FormattableString.Invariant(
            $"Queue: inserted {s.Inserted}, aggregated {s.Aggregated}, batches sent {s.BatchesSent}, records sent {s.RecordsSent}, retries {s.Retries}, dropped {s.Dropped.Values.Sum(d => d.Items)}{DropReasons(s)}, errors {s.Errors.Values.Sum()}, rejected records {s.RejectedRecords.Values.Sum()}"));
        console.WriteLine();

        var counts = new Table().Title("Records: inserted into the queue vs stored by the server")
            .AddColumns("profile", "inserted", "stored", "what is compared", "match");
        foreach (var c in Counts)
        {
            var stored = c.StoredMin == c.StoredMax ? Num(c.StoredMin) : $"{Num(c.StoredMin)}..{Num(c.StoredMax)}";
            counts.AddRow(c.Alias, Num(c.Inserted), stored, Markup.Escape(c.What), c.Matches ? "[green]yes[/]" : "[red]NO[/]");
        }
        console.Write(counts);
        foreach (var c in Counts)
            console.WriteLine(FormattableString.Invariant($"{c.Alias}: inserted {c.Inserted} {(c.Matches ? "==" : "!=")} stored {c.StoredMin}"));
        console.WriteLine();

        var drifted = new List<string>();
        var psiTable = new Table().Title("PSI drift check (all data received)").AddColumns("feature", "n", "psi", "threshold", "alert");
        foreach (var f in Subjects(Checks["psi"], "features"))
        {
            var alert = f.Value.TryGetProperty("alert", out var a) && a.GetBoolean();
            if (alert) drifted.Add(f.Name);
            psiTable.AddRow(f.Name, Prop(f.Value, "n"), Prop(f.Value, "psi"), Prop(f.Value, "threshold"), alert ? "[red]ALERT[/]" : "[green]ok[/]");
        }
        console.Write(psiTable);
        console.WriteLine($"Drifted PSI features: {(drifted.Count == 0 ? "none" : string.Join(", ", drifted))}");
        console.WriteLine();

        if (CalmSpcCheck is { } calm)
        {
            var calmFeatures = Subjects(calm, "features").ToList();
            console.WriteLine(FormattableString.Invariant(
                $"SPC check of the in-distribution half alone: {calmFeatures.Count(f => Prop(f.Value, "decision") == "alert")} of {calmFeatures.Count} features alert ({calmFeatures.Count(f => f.Value.TryGetProperty("rule_alerts", out var r) && r.GetArrayLength() > 0)} with raw rule hits; the decision holds a 1 % false-alarm rate per feature)."));
        }
        var spcTable = new Table().Title("SPC drift check (both halves)").AddColumns("feature", "samples", "decision", "rule hits");
        foreach (var f in Subjects(Checks["spc"], "features"))
        {
            var rules = f.Value.TryGetProperty("rule_alerts", out var r) && r.ValueKind == JsonValueKind.Array
                ? string.Join(", ", r.EnumerateArray().Select(x => $"{Prop(x, "kind")} zone {Prop(x, "zone")}").Distinct(StringComparer.Ordinal))
                : "";
            spcTable.AddRow(f.Name, Prop(f.Value, "n"), Prop(f.Value, "decision"), Markup.Escape(rules.Length == 0 ? "-" : rules));
        }
        console.Write(spcTable);
        console.WriteLine();

        var customTable = new Table().Title("Custom metric drift check").AddColumns("metric", "n", "observed", "baseline", "condition", "alert");
        foreach (var m in Subjects(Checks["custom"], "metrics"))
        {
            var alert = m.Value.TryGetProperty("alert", out var a) && a.GetBoolean();
            customTable.AddRow(m.Name, Prop(m.Value, "n"), Prop(m.Value, "observed"), Prop(m.Value, "baseline"),
                $"{Prop(m.Value, "condition")} by > {Prop(m.Value, "delta")}", alert ? "[red]ALERT[/]" : "[green]ok[/]");
        }
        console.Write(customTable);
        console.WriteLine();

        console.WriteLine(JudgeDescription);
        console.WriteLine(FormattableString.Invariant(
            $"LLM records judged: {LlmStatus.GetValueOrDefault("done")} done, {LlmStatus.GetValueOrDefault("failed")} failed, {LlmStatus.GetValueOrDefault("pending")} pending"));
        var llmTable = new Table().Title("LLM drift check").AddColumns("metric", "n", "observed", "baseline", "condition", "alert");
        foreach (var m in Subjects(Checks[LlmDemo.Alias], "metrics"))
        {
            var alert = m.Value.TryGetProperty("alert", out var a) && a.GetBoolean();
            llmTable.AddRow(m.Name, Prop(m.Value, "n"), Prop(m.Value, "observed"), Prop(m.Value, "baseline"),
                $"{Prop(m.Value, "condition")} by > {Prop(m.Value, "delta")}", alert ? "[red]ALERT[/]" : "[green]ok[/]");
        }
        console.Write(llmTable);
        console.WriteLine();

        var alertTable = new Table().Title(FormattableString.Invariant($"Alerts ({Alerts.Total})")).AddColumns("id", "profile", "feature/metric", "kind", "severity", "status");
        foreach (var a in Alerts.Items)
        {
            alertTable.AddRow(Num(a.Id), AliasByUid.GetValueOrDefault(a.Uid, "?"), Markup.Escape(a.FeatureOrMetric),
                Markup.Escape(a.Zone is { } z ? FormattableString.Invariant($"{a.Kind} (zone {z})") : a.Kind), a.Severity, a.Status);
        }
        console.Write(alertTable);
        console.WriteLine();
        console.WriteLine($"Server: {url}");
    }

    private static JsonProperty[] Subjects(JsonElement check, string name) =>
        check.TryGetProperty(name, out var subjects) && subjects.ValueKind == JsonValueKind.Object ? [.. subjects.EnumerateObject()] : [];

    private static string Prop(JsonElement element, string name) =>
        !element.TryGetProperty(name, out var value) ? "-" : value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt64(out var l) => l.ToString(CultureInfo.InvariantCulture),
            JsonValueKind.Number => value.GetDouble().ToString("0.####", CultureInfo.InvariantCulture),
            JsonValueKind.String => Markup.Escape(value.GetString() ?? ""),
            JsonValueKind.Null => "-",
            _ => Markup.Escape(value.GetRawText()),
        };

    private static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>" (buffer_full: 3 batches, ...)" when anything was dropped, so a shortfall is explained.</summary>
    private static string DropReasons(ScouterQueueStatistics s)
    {
        var reasons = s.Dropped.Where(d => d.Value.Batches > 0 || d.Value.Items > 0).Select(d => $"{d.Key}: {d.Value.Batches} batches, {d.Value.Items} items").ToList();
        return reasons.Count == 0 ? string.Empty : $" ({string.Join("; ", reasons)})";
    }
}
