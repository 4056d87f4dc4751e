using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Scouter.Api;
using Scouter.Client;
using Scouter.Data;
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
/// The end-to-end demo: embedded server over SQLite in a temp directory, PSI/SPC/custom profiles
/// from <c>samples/data/credit_train.csv</c>, a <see cref="ScouterQueue"/> over HTTP or a broker, manual drift
/// checks, and a report comparing what the queue accepted with what the server stored.
/// </summary>
internal static class DemoRunner
{
    private const string Space = "demo";
    private const string ModelName = "credit";
    private const string ModelVersion = "1.0.0";
    private const string MetricName = "approval_rate";
    private static readonly string[] SpcFeatures = ["age", "income", "credit_score", "debt_ratio"];

    /// <summary>How long the report waits for a broker consumer to store what the queue published.</summary>
    private static readonly TimeSpan BrokerDrainTimeout = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(CliContext context, DemoOptions options, CancellationToken cancellationToken)
    {
        string? tempDir = null;
        WebApplication? app = null;
        ScriptedJudge? judge = null;
        DemoTransport? transport = null;
        try
        {
            var samples = FindSampleData();
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

            var report = await RunScenarioAsync(context, options, transport, samples, url, password, LlmDemo.JudgeDescription(judge), cancellationToken);
            Render(context, report, url);

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

    private static async Task<DemoReport> RunScenarioAsync(CliContext context, DemoOptions options, DemoTransport route, string samples, string url, string password,
        string judgeDescription, CancellationToken ct)
    {
        // 1. Profiles from the training data.
        var train = await TableFile.ReadAsync(Path.Combine(samples, "credit_train.csv"), null, ct);
        var psi = Drifter.CreatePsiProfile(train, new PsiDriftConfig { Space = Space, Name = ModelName, Version = ModelVersion }, null, ct);
        var spc = Drifter.CreateSpcProfile(train, new SpcDriftConfig
        {
            Space = Space, Name = ModelName, Version = ModelVersion, FeaturesToMonitor = SpcFeatures, SampleSize = 50, LimitScale = SpcLimitScale.SampleMean,
        }, null, ct);
        var baseline = ApprovalRate(train);
        var custom = Drifter.CreateCustomProfile(new CustomMetricDriftConfig { Space = Space, Name = ModelName, Version = ModelVersion },
            [new CustomMetric(MetricName, Math.Round(baseline, 4), AlertThreshold.Below, delta: 0.05)]);

        await using var client = new ScouterClient(new ScouterClientOptions { ServerUri = url, Username = "admin", Password = password });
        var registered = new Dictionary<string, DriftProfile>(StringComparer.Ordinal)
        {
            ["psi"] = await client.RegisterProfileAsync(psi, setActive: true, cancellationToken: ct),
            ["spc"] = await client.RegisterProfileAsync(spc, setActive: true, cancellationToken: ct),
            ["custom"] = await client.RegisterProfileAsync(custom, setActive: true, cancellationToken: ct),
            [LlmDemo.Alias] = await client.RegisterProfileAsync(LlmDemo.Profile(Space, ModelName, ModelVersion), setActive: true, cancellationToken: ct),
        };

        // 2. Inference traffic: calm rows, then drifted rows (each half cycles its file as needed).
        var live = Rows.Load(await TableFile.ReadAsync(Path.Combine(samples, "credit_live.csv"), null, ct), psi);
        var drifted = Rows.Load(await TableFile.ReadAsync(Path.Combine(samples, "credit_drifted.csv"), null, ct), psi);
        var start = TimeProvider.System.GetUtcNow();
        var streaming = System.Diagnostics.Stopwatch.StartNew();
        var inserted = new Dictionary<string, long>(StringComparer.Ordinal) { ["psi"] = 0, ["spc"] = 0, ["custom"] = 0, [LlmDemo.Alias] = 0 };
        ScouterQueueStatistics statistics;
        JsonElement? calmSpcCheck = null;
        var transport = route.CreateTransport(url, password);
        var queue = ScouterQueue.FromProfiles(registered, transport, new ScouterQueueOptions
        {
            ChannelCapacity = Math.Max(100_000, options.Inferences * 3),
            ShutdownTimeout = TimeSpan.FromSeconds(120),
        });
        try
        {
            var (psiQueue, spcQueue, customQueue, llmQueue) = (queue["psi"], queue["spc"], queue["custom"], queue[LlmDemo.Alias]);
            long llmRecords = 0;
            await WithProgressAsync(context, options.Inferences, async progress =>
            {
                var half = options.Inferences / 2;
                for (var i = 0; i < options.Inferences; i++)
                {
                    ct.ThrowIfCancellationRequested();
                    if (i == half)
                    {
                        // The in-distribution half alone: deliver it, wait until it is stored and check SPC, which must not alert.
                        await queue.FlushAsync(ct);
                        await WaitForSpcStoredAsync(client, registered["spc"].Config.Uid, half, start.AddMinutes(-1), ct);
                        calmSpcCheck = await client.RunDriftCheckAsync(registered["spc"].Config.Uid, ct);
                    }
                    var rows = i < half ? live : drifted;
                    var row = (i < half ? i : i - half) % rows.Count;
                    psiQueue.Insert(rows.Features[row]);
                    spcQueue.Insert(rows.SpcFeatures[row]);
                    customQueue.Insert(rows.Approved[row] ? Rows.Approve : Rows.Reject);
                    if (i % LlmDemo.InferencesPerRecord == 0)
                    {
                        llmQueue.Insert(LlmDemo.Record(i >= half, rows.Approved[row], rows.CreditScore[row], rows.DebtRatio[row]));
                        llmRecords++;
                    }
                    if ((i + 1) % 1000 == 0 || i + 1 == options.Inferences) progress(i + 1);
                }
            });
            inserted["psi"] = inserted["spc"] = inserted["custom"] = options.Inferences;
            inserted[LlmDemo.Alias] = llmRecords;
        }
        finally
        {
            // 3. Flush and deliver everything before checking.
            await queue.ShutdownAsync(TimeSpan.FromSeconds(120));
            statistics = queue.Statistics;
        }
        // 4. What the server stored. Through a broker the server's consumer may still be draining the
        //    topic / queue / stream when the queue is done: wait (bounded) until the counts are complete.
        var from = start.AddMinutes(-1);
        var drainDeadline = streaming.Elapsed + BrokerDrainTimeout;
        List<CountRow> counts;
        while (true)
        {
            counts = await StoredCountsAsync(client, registered, inserted, from, ct);
            if (route.Name == "http" || counts.All(c => c.Matches) || streaming.Elapsed > drainDeadline) break;
            await Task.Delay(100, ct);
        }
        var delivered = streaming.Elapsed;
        // 5. LLM records are judged by the server's worker after they are stored: wait (bounded) for it.
        var llmStatus = await LlmDemo.WaitForJudgingAsync(client, registered[LlmDemo.Alias].Config.Uid, inserted[LlmDemo.Alias], from,
            judgeDescription.Contains(ScriptedJudge.ModelName, StringComparison.Ordinal) ? TimeSpan.FromSeconds(60) : TimeSpan.FromMinutes(5), ct);

        var checks = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (alias, profile) in registered) checks[alias] = await client.RunDriftCheckAsync(profile.Config.Uid, ct);
        var alerts = await client.GetAlertsAsync(new AlertQuery { Space = Space, PageSize = 200 }, ct);
        var aliasByUid = registered.ToDictionary(p => p.Value.Config.Uid, p => p.Key);

        return new DemoReport(route.Description, options.Inferences, delivered, statistics, counts, checks, calmSpcCheck, alerts, aliasByUid,
            [.. counts.Where(c => c.StoredMin != c.Inserted || c.StoredMax != c.Inserted || statistics.Inserted != 3L * options.Inferences + inserted[LlmDemo.Alias])
                .Select(c => c.Alias)],
            judgeDescription, llmStatus);
    }

    private static async Task<List<CountRow>> StoredCountsAsync(ScouterClient client, Dictionary<string, DriftProfile> registered, Dictionary<string, long> inserted,
        DateTimeOffset from, CancellationToken ct)
    {
        var to = TimeProvider.System.GetUtcNow().AddMinutes(1);
        var psiStored = await client.GetPsiDriftAsync(registered["psi"].Config.Uid, from, to, 1, ct);
        var spcStored = await client.GetSpcDriftAsync(registered["spc"].Config.Uid, from, to, ct);
        var customStored = await client.GetCustomDriftAsync(registered["custom"].Config.Uid, from, to, 1, ct);
        var customCount = customStored.Metrics.TryGetValue(MetricName, out var metric) ? metric.Count : 0;
        var llmStored = await client.GetLlmDriftAsync(registered[LlmDemo.Alias].Config.Uid, from, to, 1, ct);
        var llmCount = llmStored.RecordStatus?.Values.Sum() ?? 0;
        return
        [
            new("psi", inserted["psi"], psiStored.Features.Values.Select(f => f.N).DefaultIfEmpty(0).Min(),
                psiStored.Features.Values.Select(f => f.N).DefaultIfEmpty(0).Max(), $"N per feature ({psiStored.Features.Count} features)"),
            new("spc", inserted["spc"], spcStored.Features.Values.Select(SpcValues).DefaultIfEmpty(0).Min(),
                spcStored.Features.Values.Select(SpcValues).DefaultIfEmpty(0).Max(),
                $"values per feature over {spcStored.Features.Values.Sum(SpcSamples)} samples ({spcStored.Features.Count} features)"),
            new("custom", inserted["custom"], customCount, customCount, $"{MetricName} count"),
            new(LlmDemo.Alias, inserted[LlmDemo.Alias], llmCount, llmCount, "LLM records (one per 100 inferences)"),
        ];
    }

    /// <summary>Waits (bounded, 60 s) until every SPC feature holds <paramref name="expected"/> values since <paramref name="from"/>.</summary>
    private static async Task WaitForSpcStoredAsync(ScouterClient client, Guid uid, long expected, DateTimeOffset from, CancellationToken ct)
    {
        var deadline = TimeProvider.System.GetUtcNow() + TimeSpan.FromSeconds(60);
        while (TimeProvider.System.GetUtcNow() < deadline)
        {
            var stored = await client.GetSpcDriftAsync(uid, from, TimeProvider.System.GetUtcNow().AddMinutes(1), ct);
            if (stored.Features.Count > 0 && stored.Features.Values.All(f => SpcValues(f) >= expected)) return;
            await Task.Delay(100, ct);
        }
    }

    // A long window's SPC answer is bucketed (per-bucket statistics instead of samples).
    private static long SpcValues(SpcFeatureSeries f) => f.Buckets is { } b ? b.Values.Sum() : f.Counts.Sum();

    private static long SpcSamples(SpcFeatureSeries f) => f.Buckets is { } b ? b.Counts.Sum() : f.Counts.Count;

    private static async Task WithProgressAsync(CliContext context, int total, Func<Action<int>, Task> job)
    {
        if (!context.Interactive)
        {
            await job(_ => { });
            return;
        }
        await context.ErrorConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask("streaming inferences", maxValue: total);
                await job(done => task.Value = done);
            });
    }

    private static void Render(CliContext context, DemoReport report, string url)
    {
        var console = context.OutConsole;
        var s = report.Statistics;
        console.WriteLine(FormattableString.Invariant(
            $"Streamed {report.Inferences} inferences (first half credit_live.csv, second half credit_drifted.csv) into psi, spc, custom and llm (one LLM record per {LlmDemo.InferencesPerRecord}) over {report.Route}; stored by the server after {report.Delivered.TotalSeconds:F2} s ({report.Inferences / report.Delivered.TotalSeconds:N0} inferences/s end to end)."));
        console.WriteLine(FormattableString.Invariant(
            $"Queue: inserted {s.Inserted}, aggregated {s.Aggregated}, batches sent {s.BatchesSent}, records sent {s.RecordsSent}, retries {s.Retries}, dropped {s.Dropped.Values.Sum(d => d.Items)}{DropReasons(s)}, errors {s.Errors.Values.Sum()}, rejected records {s.RejectedRecords.Values.Sum()}"));
        console.WriteLine();

        var counts = new Table().Title("Records: inserted into the queue vs stored by the server")
            .AddColumns("profile", "inserted", "stored", "what is compared", "match");
        foreach (var c in report.Counts)
        {
            var stored = c.StoredMin == c.StoredMax ? Num(c.StoredMin) : $"{Num(c.StoredMin)}..{Num(c.StoredMax)}";
            counts.AddRow(c.Alias, Num(c.Inserted), stored, Markup.Escape(c.What), c.Matches ? "[green]yes[/]" : "[red]NO[/]");
        }
        console.Write(counts);
        foreach (var c in report.Counts)
            console.WriteLine(FormattableString.Invariant($"{c.Alias}: inserted {c.Inserted} {(c.Matches ? "==" : "!=")} stored {c.StoredMin}"));
        console.WriteLine();

        var drifted = new List<string>();
        var psiTable = new Table().Title("PSI drift check (all data received)").AddColumns("feature", "n", "psi", "threshold", "alert");
        foreach (var f in Subjects(report.Checks["psi"], "features"))
        {
            var alert = f.Value.TryGetProperty("alert", out var a) && a.GetBoolean();
            if (alert) drifted.Add(f.Name);
            psiTable.AddRow(f.Name, Prop(f.Value, "n"), Prop(f.Value, "psi"), Prop(f.Value, "threshold"), alert ? "[red]ALERT[/]" : "[green]ok[/]");
        }
        console.Write(psiTable);
        console.WriteLine($"Drifted PSI features: {(drifted.Count == 0 ? "none" : string.Join(", ", drifted))}");
        console.WriteLine();

        if (report.CalmSpcCheck is { } calm)
        {
            var calmFeatures = Subjects(calm, "features").ToList();
            console.WriteLine(FormattableString.Invariant(
                $"SPC check of the in-distribution half alone: {calmFeatures.Count(f => Prop(f.Value, "decision") == "alert")} of {calmFeatures.Count} features alert ({calmFeatures.Count(f => f.Value.TryGetProperty("rule_alerts", out var r) && r.GetArrayLength() > 0)} with raw rule hits; the decision holds a 1 % false-alarm rate per feature)."));
        }
        var spcTable = new Table().Title("SPC drift check (both halves)").AddColumns("feature", "samples", "decision", "rule hits");
        foreach (var f in Subjects(report.Checks["spc"], "features"))
        {
            var rules = f.Value.TryGetProperty("rule_alerts", out var r) && r.ValueKind == JsonValueKind.Array
                ? string.Join(", ", r.EnumerateArray().Select(x => $"{Prop(x, "kind")} zone {Prop(x, "zone")}").Distinct(StringComparer.Ordinal))
                : "";
            spcTable.AddRow(f.Name, Prop(f.Value, "n"), Prop(f.Value, "decision"), Markup.Escape(rules.Length == 0 ? "-" : rules));
        }
        console.Write(spcTable);
        console.WriteLine();

        var customTable = new Table().Title("Custom metric drift check").AddColumns("metric", "n", "observed", "baseline", "condition", "alert");
        foreach (var m in Subjects(report.Checks["custom"], "metrics"))
        {
            var alert = m.Value.TryGetProperty("alert", out var a) && a.GetBoolean();
            customTable.AddRow(m.Name, Prop(m.Value, "n"), Prop(m.Value, "observed"), Prop(m.Value, "baseline"),
                $"{Prop(m.Value, "condition")} by > {Prop(m.Value, "delta")}", alert ? "[red]ALERT[/]" : "[green]ok[/]");
        }
        console.Write(customTable);
        console.WriteLine();

        console.WriteLine(report.JudgeDescription);
        console.WriteLine(FormattableString.Invariant(
            $"LLM records judged: {report.LlmStatus.GetValueOrDefault("done")} done, {report.LlmStatus.GetValueOrDefault("failed")} failed, {report.LlmStatus.GetValueOrDefault("pending")} pending"));
        var llmTable = new Table().Title("LLM drift check").AddColumns("metric", "n", "observed", "baseline", "condition", "alert");
        foreach (var m in Subjects(report.Checks[LlmDemo.Alias], "metrics"))
        {
            var alert = m.Value.TryGetProperty("alert", out var a) && a.GetBoolean();
            llmTable.AddRow(m.Name, Prop(m.Value, "n"), Prop(m.Value, "observed"), Prop(m.Value, "baseline"),
                $"{Prop(m.Value, "condition")} by > {Prop(m.Value, "delta")}", alert ? "[red]ALERT[/]" : "[green]ok[/]");
        }
        console.Write(llmTable);
        console.WriteLine();

        var alertTable = new Table().Title(FormattableString.Invariant($"Alerts ({report.Alerts.Total})")).AddColumns("id", "profile", "feature/metric", "kind", "severity", "status");
        foreach (var a in report.Alerts.Items)
        {
            alertTable.AddRow(Num(a.Id), report.AliasByUid.GetValueOrDefault(a.Uid, "?"), Markup.Escape(a.FeatureOrMetric),
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

    /// <summary>The toy model's decision whose rate is the custom metric: approve good scores with moderate debt.</summary>
    internal static bool Approves(double creditScore, double debtRatio) => creditScore >= 620 && debtRatio < 0.45;

    private static double ApprovalRate(ColumnTable table)
    {
        var score = ((NumericColumn)table["credit_score"]).Values;
        var debt = ((NumericColumn)table["debt_ratio"]).Values;
        var approved = 0;
        for (var i = 0; i < table.RowCount; i++) if (Approves(score[i], debt[i])) approved++;
        return (double)approved / table.RowCount;
    }

    /// <summary>Finds <c>samples/data</c> above the current directory or the application's directory.</summary>
    private static string FindSampleData()
    {
        foreach (var root in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(root); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "samples", "data");
                if (File.Exists(Path.Combine(candidate, "credit_train.csv"))) return candidate;
            }
        }
        throw new DirectoryNotFoundException("samples/data (with credit_train.csv) not found above the current directory or the scouter binary; run from the repository");
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

    private sealed record CountRow(string Alias, long Inserted, long StoredMin, long StoredMax, string What)
    {
        public bool Matches => StoredMin == Inserted && StoredMax == Inserted;
    }

    /// <summary>" (buffer_full: 3 batches, ...)" when anything was dropped, so a shortfall is explained.</summary>
    private static string DropReasons(ScouterQueueStatistics s)
    {
        var reasons = s.Dropped.Where(d => d.Value.Batches > 0 || d.Value.Items > 0).Select(d => $"{d.Key}: {d.Value.Batches} batches, {d.Value.Items} items").ToList();
        return reasons.Count == 0 ? string.Empty : $" ({string.Join("; ", reasons)})";
    }

    private sealed record DemoReport(string Route, int Inferences, TimeSpan Delivered, ScouterQueueStatistics Statistics, IReadOnlyList<CountRow> Counts,
        IReadOnlyDictionary<string, JsonElement> Checks, JsonElement? CalmSpcCheck, AlertPage Alerts, IReadOnlyDictionary<Guid, string> AliasByUid, IReadOnlyList<string> Mismatches,
        string JudgeDescription, IReadOnlyDictionary<string, long> LlmStatus);

    /// <summary>Pre-built inference payloads of one data file.</summary>
    private sealed class Rows
    {
        public static readonly Metrics Approve = new([new Metric(MetricName, 1)]);
        public static readonly Metrics Reject = new([new Metric(MetricName, 0)]);

        private Rows(Features[] features, Features[] spcFeatures, bool[] approved, double[] creditScore, double[] debtRatio)
        {
            Features = features;
            SpcFeatures = spcFeatures;
            Approved = approved;
            CreditScore = creditScore;
            DebtRatio = debtRatio;
        }

        public Features[] Features { get; }

        /// <summary>The same rows with only the SPC profile's features, as a serving app would send them (other names would count as unknown_feature).</summary>
        public Features[] SpcFeatures { get; }

        public bool[] Approved { get; }

        public double[] CreditScore { get; }

        public double[] DebtRatio { get; }

        public int Count => Features.Length;

        public static Rows Load(ColumnTable table, PsiDriftProfile profile)
        {
            var features = new Features[table.RowCount];
            var spcFeatures = new Features[table.RowCount];
            var approved = new bool[table.RowCount];
            var columns = profile.Features.Keys.Select(name => table[name]).ToArray();
            var score = ((NumericColumn)table["credit_score"]).Values;
            var debt = ((NumericColumn)table["debt_ratio"]).Values;
            for (var i = 0; i < table.RowCount; i++)
            {
                var row = new Feature[columns.Length];
                for (var c = 0; c < columns.Length; c++)
                {
                    row[c] = columns[c] switch
                    {
                        NumericColumn n => new Feature(n.Name, n.Values[i]),
                        CategoricalColumn cat => new Feature(cat.Name, cat.Values[i]),
                        _ => Feature.Missing(columns[c].Name),
                    };
                }
                features[i] = new Features(row);
                spcFeatures[i] = new Features(row.Where(f => DemoRunner.SpcFeatures.Contains(f.Name)));
                approved[i] = Approves(score[i], debt[i]);
            }
            return new Rows(features, spcFeatures, approved, [.. score], [.. debt]);
        }
    }
}
