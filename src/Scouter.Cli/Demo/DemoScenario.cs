using System.Text.Json;
using Scouter.Api;
using Scouter.Client;
using Scouter.Data;
using Scouter.Testing;
using Spectre.Console;

namespace Scouter.Cli.Demo;

/// <summary>
/// The demo's steps against a running server: PSI/SPC/custom/LLM profiles from
/// <c>samples/data/credit_train.csv</c>, a <see cref="ScouterQueue"/> over HTTP or a broker streaming a calm
/// half then a drifted half, manual drift checks, and what the server stored compared with what the queue accepted.
/// </summary>
internal static class DemoScenario
{
    private const string Space = "demo";
    private const string ModelName = "credit";
    private const string ModelVersion = "1.0.0";

    /// <summary>How long the report waits for a broker consumer to store what the queue published.</summary>
    private static readonly TimeSpan BrokerDrainTimeout = TimeSpan.FromSeconds(60);

    public static async Task<DemoReport> RunAsync(CliContext context, DemoOptions options, DemoTransport route, string samples, string url, string password,
        string judgeDescription, CancellationToken ct)
    {
        // 1. Profiles from the training data.
        var train = await TableFile.ReadAsync(Path.Combine(samples, "credit_train.csv"), null, ct);
        var psi = Drifter.CreatePsiProfile(train, new PsiDriftConfig { Space = Space, Name = ModelName, Version = ModelVersion }, null, ct);
        var spc = Drifter.CreateSpcProfile(train, new SpcDriftConfig
        {
            Space = Space, Name = ModelName, Version = ModelVersion, FeaturesToMonitor = DemoData.SpcFeatures, SampleSize = 50, LimitScale = SpcLimitScale.SampleMean,
        }, null, ct);
        var baseline = DemoData.ApprovalRate(train);
        var custom = Drifter.CreateCustomProfile(new CustomMetricDriftConfig { Space = Space, Name = ModelName, Version = ModelVersion },
            [new CustomMetric(DemoData.MetricName, Math.Round(baseline, 4), AlertThreshold.Below, delta: 0.05)]);

        await using var client = new ScouterClient(new ScouterClientOptions { ServerUri = url, Username = "admin", Password = password });
        var registered = new Dictionary<string, DriftProfile>(StringComparer.Ordinal)
        {
            ["psi"] = await client.RegisterProfileAsync(psi, setActive: true, cancellationToken: ct),
            ["spc"] = await client.RegisterProfileAsync(spc, setActive: true, cancellationToken: ct),
            ["custom"] = await client.RegisterProfileAsync(custom, setActive: true, cancellationToken: ct),
            [LlmDemo.Alias] = await client.RegisterProfileAsync(LlmDemo.Profile(Space, ModelName, ModelVersion), setActive: true, cancellationToken: ct),
        };

        // 2. Inference traffic: calm rows, then drifted rows (each half cycles its file as needed).
        var live = DemoRows.Load(await TableFile.ReadAsync(Path.Combine(samples, "credit_live.csv"), null, ct), psi);
        var drifted = DemoRows.Load(await TableFile.ReadAsync(Path.Combine(samples, "credit_drifted.csv"), null, ct), psi);
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
                    customQueue.Insert(rows.Approved[row] ? DemoRows.Approve : DemoRows.Reject);
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
        List<DemoCount> counts;
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

    private static async Task<List<DemoCount>> StoredCountsAsync(ScouterClient client, Dictionary<string, DriftProfile> registered, Dictionary<string, long> inserted,
        DateTimeOffset from, CancellationToken ct)
    {
        var to = TimeProvider.System.GetUtcNow().AddMinutes(1);
        var psiStored = await client.GetPsiDriftAsync(registered["psi"].Config.Uid, from, to, 1, ct);
        var spcStored = await client.GetSpcDriftAsync(registered["spc"].Config.Uid, from, to, ct);
        var customStored = await client.GetCustomDriftAsync(registered["custom"].Config.Uid, from, to, 1, ct);
        var customCount = customStored.Metrics.TryGetValue(DemoData.MetricName, out var metric) ? metric.Count : 0;
        var llmStored = await client.GetLlmDriftAsync(registered[LlmDemo.Alias].Config.Uid, from, to, 1, ct);
        var llmCount = llmStored.RecordStatus?.Values.Sum() ?? 0;
        return
        [
            new("psi", inserted["psi"], psiStored.Features.Values.Select(f => f.N).DefaultIfEmpty(0).Min(),
                psiStored.Features.Values.Select(f => f.N).DefaultIfEmpty(0).Max(), $"N per feature ({psiStored.Features.Count} features)"),
            new("spc", inserted["spc"], spcStored.Features.Values.Select(SpcValues).DefaultIfEmpty(0).Min(),
                spcStored.Features.Values.Select(SpcValues).DefaultIfEmpty(0).Max(),
                $"values per feature over {spcStored.Features.Values.Sum(SpcSamples)} samples ({spcStored.Features.Count} features)"),
            new("custom", inserted["custom"], customCount, customCount, $"{DemoData.MetricName} count"),
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
    internal static long SpcValues(SpcFeatureSeries f) => f.Buckets is { } b ? b.Values.Sum() : f.Counts.Sum();

    internal static long SpcSamples(SpcFeatureSeries f) => f.Buckets is { } b ? b.Counts.Sum() : f.Counts.Count;

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
}
