using Scouter.Server.Jobs;
using Scouter.Server.Storage;

namespace Scouter.Server.Alerts;

/// <summary>
/// The alert outbox worker: picks alerts with a pending notice whose <c>next_attempt_at</c> has
/// come, sends it through each of the profile's channels, and records success or the failure with
/// the next attempt (<see cref="DispatchBackoff"/>). Delivery is at least once: a retry after a
/// partial failure sends again on every channel.
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
            try
            {
                foreach (var target in targets) await channels.SendAsync(notice, target, cancellationToken);
                await store.MarkDeliveredAsync(notice.Alert.Id, notice.Pending, time.GetUtcNow(), CancellationToken.None);
                JobsLog.NoticeDelivered(logger, notice.Alert.Id, notice.Pending, string.Join(',', targets.Select(t => channels.Effective(t).GetType().Name)));
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var attempts = notice.Alert.NotifyAttempts + 1;
                var error = ex.Message;
                if (attempts >= DispatchBackoff.MaxAttempts)
                {
                    JobsLog.NoticeGaveUp(logger, notice.Alert.Id, notice.Pending, attempts, error);
                    await store.MarkFailedAsync(notice.Alert.Id, notice.Pending, attempts, $"gave up after {attempts} attempts: {error}", null, CancellationToken.None);
                }
                else
                {
                    var next = time.GetUtcNow() + DispatchBackoff.Delay(attempts, Random.Shared.NextDouble());
                    JobsLog.NoticeRetry(logger, notice.Alert.Id, notice.Pending, attempts, DriftCheckEngine.Format(next), error);
                    await store.MarkFailedAsync(notice.Alert.Id, notice.Pending, attempts, error, next, CancellationToken.None);
                }
            }
        }
        return notices.Count;
    }
}
