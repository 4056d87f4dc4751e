using System.Globalization;
using Scouter.Server.Ingestion;
using Scouter.Server.Storage;

namespace Scouter.Server.Evaluation;

/// <summary>
/// The LLM evaluation loop of one replica: claims pending records with a lease
/// (<see cref="LlmEvaluationStore.ClaimAsync"/>), evaluates them <see cref="EvaluationOptions.Concurrency"/>
/// at a time, and polls every <see cref="EvaluationOptions.PollInterval"/> when there is nothing to do.
/// A record whose worker dies is taken over by any replica once its lease has passed.
/// </summary>
internal sealed class EvaluationWorker(
    LlmEvaluationStore store, ProfileCache profiles, RecordEvaluator evaluator, EvaluationMetrics metrics, IJudge judge,
    EvaluationOptions options, TimeProvider time, ILogger<EvaluationWorker> logger) : BackgroundService
{
    /// <summary>This worker's lease owner name: host, process and a random part, unique per start.</summary>
    public string Owner { get; } = string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        EvaluationLog.WorkerStarted(logger, Owner, options.Concurrency, options.RequestsPerMinute, options.MaxAttempts, options.Lease,
            judge.IsConfigured ? "configured" : "not configured (assertion metrics only)");
        while (!stoppingToken.IsCancellationRequested)
        {
            var claimed = 0;
            try
            {
                claimed = await RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                EvaluationLog.RoundFailed(logger, ex);
            }
            if (claimed == 0)
            {
                try
                {
                    await Task.Delay(options.PollInterval, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>One round: updates the pending gauges, claims up to a batch and evaluates it. Returns how many records were claimed.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var (count, oldest) = await store.PendingAsync(cancellationToken);
        metrics.SetPending(count, oldest is { } o ? now - o : TimeSpan.Zero);
        if (count == 0) return 0;

        var claimed = await store.ClaimAsync(Owner, now, options.Lease, options.ClaimBatch, cancellationToken);
        await Parallel.ForEachAsync(claimed, new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = cancellationToken },
            async (record, token) =>
            {
                try
                {
                    var profile = (await profiles.GetAsync(record.Uid, token))?.Profile as LlmDriftProfile;
                    await evaluator.EvaluateAsync(Owner, record, profile, token);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The lease runs out and another round (here or elsewhere) takes the record again.
                    EvaluationLog.RoundFailed(logger, ex);
                }
            });
        return claimed.Count;
    }
}
