using Scouter.Drift;
using Scouter.Server.Evaluation;
using Scouter.Server.Storage;

namespace Scouter.Server.Jobs;

/// <summary>What an LLM profile's window says about its evaluation: records that finished in it and pending ones stuck.</summary>
/// <param name="Done">Records whose evaluation finished in the window.</param>
/// <param name="Failed">Records whose evaluation failed in the window.</param>
/// <param name="StuckPending">Records still pending with a record time at or before <paramref name="StuckBefore"/>.</param>
/// <param name="StuckBefore">Two leases before the window's end.</param>
internal sealed record EvaluationHealth(long Done, long Failed, long StuckPending, DateTimeOffset StuckBefore);

/// <summary>
/// The window data a drift check evaluates, read through the <see cref="IRecordStore"/>: summed PSI bin
/// counts, the SPC samples scanned in time order, metric sums and counts, and the LLM evaluation health.
/// </summary>
internal sealed class DriftCheckReads(IRecordStore records)
{
    /// <summary>PSI counts per feature and bin in <c>(from, to]</c>, fitted to longs (see <see cref="WindowSums.Fit"/>).</summary>
    public async Task<Dictionary<string, Dictionary<int, long>>> PsiCountsAsync(Guid uid, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var sums = new Dictionary<string, Dictionary<int, double>>(StringComparer.Ordinal);
        if (Window(from, to) is { } window)
        {
            foreach (var row in await records.PsiCountsAsync(uid, window, ct))
            {
                if (!sums.TryGetValue(row.Feature, out var bins)) sums[row.Feature] = bins = [];
                bins[row.BinId] = bins.GetValueOrDefault(row.BinId) + row.Count;
            }
        }
        return sums.ToDictionary(kv => kv.Key, kv => WindowSums.Fit(kv.Value), StringComparer.Ordinal);
    }

    /// <summary>Each of the profile's features scanned over its samples in <c>(from, to]</c>, oldest first.</summary>
    public async Task<Dictionary<string, SpcFeatureScan>> SpcScansAsync(SpcDriftProfile profile, Guid uid, DateTimeOffset from, DateTimeOffset to, double falseAlarmRate,
        CancellationToken ct)
    {
        // The alert decision's run lengths depend on the window's sample count, counted before the scan (from the roll-ups).
        var counts = new Dictionary<string, double>(StringComparer.Ordinal);
        if (Window(from, to) is { } window)
        {
            foreach (var stats in await records.SpcStatsAsync(uid, window, ct)) counts[stats.Feature] = stats.Samples;
        }
        return await SpcFeatureScan.ReadAsync(records.StreamSpcSamplesAsync(uid, from, to, ct), profile,
            feature => SpcAlertCalibration.For(profile, (long)Math.Min(counts.GetValueOrDefault(feature), long.MaxValue / 4), falseAlarmRate), ct);
    }

    /// <summary>
    /// Sum and count per metric: custom values by record time, LLM scores by the time they were judged (so a
    /// record judged after a check counts in the next one, once).
    /// </summary>
    public async Task<Dictionary<string, (double Sum, double Count)>> MetricsAsync(bool llmScores, Guid uid, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var values = new Dictionary<string, (double Sum, double Count)>(StringComparer.Ordinal);
        if (Window(from, to) is { } window)
        {
            var rows = llmScores ? await records.LlmScoresAsync(uid, window, ct) : await records.CustomValuesAsync(uid, window, ct);
            foreach (var row in rows) values[row.Metric] = (row.Sum, row.Count);
        }
        return values;
    }

    /// <summary>
    /// Records that finished evaluating in <c>(from, to]</c> (done / failed) and records still pending whose record
    /// time is older than two leases (<paramref name="evaluation"/>) before <paramref name="to"/>.
    /// </summary>
    public async Task<EvaluationHealth> EvaluationHealthAsync(Guid uid, DateTimeOffset from, DateTimeOffset to, EvaluationOptions evaluation, CancellationToken ct)
    {
        long done = 0, failed = 0;
        var stuckBefore = to - 2 * evaluation.Lease;
        if (Window(from, to) is { } window)
        {
            var finished = await records.LlmStatusCountsAsync(uid, window, LlmStatusAxis.Evaluated, ct);
            done = finished.GetValueOrDefault("done");
            failed = finished.GetValueOrDefault("failed");
        }
        // Counted from the records themselves: a pending record removed by retention must not count.
        var stuck = await records.LlmPendingCountAsync(uid, stuckBefore, ct);
        return new EvaluationHealth(done, failed, stuck, stuckBefore);
    }

    /// <summary>The check window as one bucket; null when it holds no microsecond (nothing can be in it).</summary>
    private static TimeWindow? Window(DateTimeOffset from, DateTimeOffset to) =>
        DbTime.Normalize(to) > DbTime.Normalize(from) ? new TimeWindow(from, to) : null;
}
