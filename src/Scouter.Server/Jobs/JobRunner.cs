using System.Globalization;
using Scouter.Server.Storage;

namespace Scouter.Server.Jobs;

/// <summary>
/// Polls for due profiles every <see cref="ServerOptions.JobPollInterval"/> and runs up to
/// <see cref="ServerOptions.JobWorkers"/> checks at once, each under a lease of
/// <see cref="ServerOptions.JobLease"/>. On shutdown it stops claiming and lets in-flight checks
/// finish; a process that dies mid-check leaves its lease to expire so another replica redoes the slot.
/// </summary>
internal sealed class JobRunner(JobStore store, DriftCheckService checks, ServerOptions options, TimeProvider time, ILogger<JobRunner> logger) : BackgroundService
{
    /// <summary>Unique per runner instance: host, process id and a random suffix.</summary>
    public string Owner { get; } = string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        JobsLog.RunnerStarted(logger, Owner, options.JobWorkers, options.JobPollInterval, options.JobLease);
        using var timer = new PeriodicTimer(options.JobPollInterval, time);
        try
        {
            do
            {
                try
                {
                    await RunDueAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    JobsLog.PollFailed(logger, ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Claims and runs due checks, at most <see cref="ServerOptions.JobWorkers"/> at a time, until
    /// none is due (or <paramref name="stoppingToken"/> fires: then only in-flight checks finish).
    /// Returns the number of checks run.
    /// </summary>
    public async Task<int> RunDueAsync(CancellationToken stoppingToken = default)
    {
        var running = new List<Task>();
        var done = 0;
        try
        {
            while (true)
            {
                while (running.Count < options.JobWorkers && !stoppingToken.IsCancellationRequested)
                {
                    var job = await store.ClaimDueAsync(Owner, time.GetUtcNow(), options.JobLease, CancellationToken.None);
                    if (job is null) break;
                    // In-flight checks are not cancelled by shutdown: they finish and release their lease.
                    running.Add(Task.Run(() => checks.RunScheduledAsync(job, Owner, CancellationToken.None), CancellationToken.None));
                }
                if (running.Count == 0) break;
                var finished = await Task.WhenAny(running);
                running.Remove(finished);
                await finished;
                done++;
            }
        }
        finally
        {
            if (running.Count > 0) await Task.WhenAll(running);
        }
        return done;
    }
}
