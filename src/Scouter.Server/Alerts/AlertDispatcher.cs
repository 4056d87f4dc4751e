using Scouter.Server.Jobs;
using Scouter.Server.Storage;

namespace Scouter.Server.Alerts;

/// <summary>
/// The alert outbox worker: picks alerts with a pending notice whose <c>next_attempt_at</c> has
/// come, sends it through each of the profile's channels, and records success or the failure with
/// the next attempt (<see cref="DispatchBackoff"/>). Every channel is tried on each attempt, whatever
/// the others did. Delivery is at least once: a retry after a partial failure sends again on every
/// channel. A refused destination is not retried: when every failure of an attempt is such a
/// refusal, the notice is dropped with its error.
/// </summary>
internal sealed class AlertDispatcher(AlertStore store, AlertChannels channels, ServerOptions options, TimeProvider time, ILogger<AlertDispatcher> logger)
    : BackgroundService
{
    /// <summary>How long a claimed notice is reserved for this dispatcher before another may retry it.</summary>
    public static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(2);

    private const int BatchSize = 50;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        channels.WarnUnconfigured();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.JobPollInterval, time);
        try
        {
            do
            {
                try
                {
                    while (await DispatchDueAsync(stoppingToken) == BatchSize && !stoppingToken.IsCancellationRequested)
                    {
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    JobsLog.DispatchPollFailed(logger, ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Sends the notices due now; returns how many were attempted.</summary>
    public async Task<int> DispatchDueAsync(CancellationToken cancellationToken = default)
    {
        var notices = await store.ClaimNoticesAsync(time.GetUtcNow(), ClaimLease, BatchSize, cancellationToken);
        foreach (var notice in notices)
        {
            IReadOnlyList<DispatchConfig> targets;
            try
            {
                targets = DriftProfile.FromJson(notice.ProfileJson).Config.Alerts.Dispatch;
            }
            catch (ScouterDataException)
            {
                targets = [new ConsoleDispatchConfig()];
            }
            if (targets.Count == 0) targets = [new ConsoleDispatchConfig()];
            var failures = new List<AlertDeliveryException>();
            foreach (var target in targets)
            {
                try
                {
                    await channels.SendAsync(notice, target, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    var failure = ex as AlertDeliveryException ?? new AlertDeliveryException(ex.Message, ex);
                    if (failure.Permanent) JobsLog.NoticeRefused(logger, notice.Alert.Id, notice.Pending, failure.Message);
                    failures.Add(failure);
                }
            }
            await RecordAsync(notice, targets, failures);
        }
        return notices.Count;
    }

    private async Task RecordAsync(PendingNotice notice, IReadOnlyList<DispatchConfig> targets, List<AlertDeliveryException> failures)
    {
        var id = notice.Alert.Id;
        if (failures.Count == 0)
        {
            await store.MarkDeliveredAsync(id, notice.Pending, time.GetUtcNow(), CancellationToken.None);
            JobsLog.NoticeDelivered(logger, id, notice.Pending, string.Join(',', targets.Select(t => channels.Effective(t).GetType().Name)));
            return;
        }
        var attempts = notice.Alert.NotifyAttempts + 1;
        var error = string.Join("; ", failures.Select(f => f.Message));
        if (failures.TrueForAll(f => f.Permanent))
        {
            await store.MarkFailedAsync(id, notice.Pending, attempts, $"not retried: {error}", null, CancellationToken.None);
        }
        else if (attempts >= DispatchBackoff.MaxAttempts)
        {
            JobsLog.NoticeGaveUp(logger, id, notice.Pending, attempts, error);
            await store.MarkFailedAsync(id, notice.Pending, attempts, $"gave up after {attempts} attempts: {error}", null, CancellationToken.None);
        }
        else
        {
            var next = time.GetUtcNow() + DispatchBackoff.Delay(attempts, Random.Shared.NextDouble());
            JobsLog.NoticeRetry(logger, id, notice.Pending, attempts, DriftCheckEngine.Format(next), error);
            await store.MarkFailedAsync(id, notice.Pending, attempts, error, next, CancellationToken.None);
        }
    }
}
