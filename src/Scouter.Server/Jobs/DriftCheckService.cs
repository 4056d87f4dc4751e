using System.Diagnostics;
using System.Text.Json.Nodes;
using Scouter.Server.Storage;
using Scouter.Server.Telemetry;

namespace Scouter.Server.Jobs;

/// <summary>Runs one check end to end: evaluate the window, persist run + alerts + schedule, log, record metrics.</summary>
internal sealed class DriftCheckService(JobStore store, DriftCheckEngine engine, ServerOptions options, TimeProvider time, ServerMetrics metrics,
    ILogger<DriftCheckService> logger)
{
    /// <summary>
    /// The scheduled check of a claimed profile: slot = latest cron occurrence at or before now,
    /// window <c>(last_checked_slot, slot]</c> (a first check starts at <see cref="Schedules.FirstWindowStart"/>).
    /// Missed slots collapse into this one check.
    /// </summary>
    public async Task<CompleteStatus?> RunScheduledAsync(ClaimedJob job, string owner, CancellationToken cancellationToken = default)
    {
        var started = time.GetTimestamp();
        var now = time.GetUtcNow();
        try
        {
            var profile = DriftProfile.FromJson(job.ProfileJson);
            var slot = Schedules.LatestAtOrBefore(job.Schedule, job.TimeZone, now);
            var next = Schedules.NextAfter(job.Schedule, job.TimeZone, now);
            if (slot is not { } s || (job.LastCheckedSlot is { } last && s <= last))
            {
                // Nothing new to check (next_run was set off-schedule): just move the schedule on.
                await store.RescheduleAsync(job.Uid, owner, next, cancellationToken);
                return null;
            }
            var from = job.LastCheckedSlot ?? Schedules.FirstWindowStart(job.Schedule, job.TimeZone, s);
            var outcome = await engine.EvaluateAsync(profile, job.Uid, from, s, cancellationToken);
            var check = new CheckCompletion(job.Uid, job.Space, owner, "schedule", s, from, s, now, outcome, profile.Config.Alerts.RepeatInterval, next);
            var result = await store.CompleteAsync(check, cancellationToken);
            Report(profile, check, result, started);
            return result.Status;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Leave the slot unchecked and retry after one lease period rather than hot-looping.
            var retry = now + options.JobLease;
            JobsLog.CheckFailed(logger, ex, job.Uid, DriftCheckEngine.Format(retry));
            await store.RescheduleAsync(job.Uid, owner, retry, CancellationToken.None);
            metrics.JobDuration.Record(time.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("outcome", "failed"));
            return null;
        }
    }

    /// <summary>
    /// A manual check over <c>(last_checked_slot, now]</c> (before a first check, from
    /// <see cref="Schedules.FirstWindowStart"/>), persisted with trigger <c>manual</c>; it
    /// reconciles alerts like a scheduled one but does not move the schedule.
    /// </summary>
    public async Task<(JsonObject Result, CompleteResult Stored)> RunManualAsync(JobProfile job, DriftProfile profile, string runner, CancellationToken cancellationToken = default)
    {
        var started = time.GetTimestamp();
        var now = time.GetUtcNow();
        var from = job.LastCheckedSlot ?? Schedules.FirstWindowStart(job.Schedule, job.TimeZone, now);
        var outcome = await engine.EvaluateAsync(profile, job.Uid, from, now, cancellationToken);
        var check = new CheckCompletion(job.Uid, job.Space, runner, "manual", now, from, now, now, outcome, profile.Config.Alerts.RepeatInterval, null);
        var stored = await store.RecordManualAsync(check, cancellationToken);
        Report(profile, check, stored, started);
        var result = (JsonObject)outcome.Result.DeepClone();
        result["trigger"] = "manual";
        result["check_run_id"] = stored.CheckRunId;
        result["alerts_opened"] = stored.AlertsOpened;
        result["alerts_resolved"] = stored.AlertsResolved;
        return (result, stored);
    }

    private void Report(DriftProfile profile, CheckCompletion check, CompleteResult result, long started)
    {
        var driftType = DriftCheckEngine.DriftTypeName(profile);
        var slot = DriftCheckEngine.Format(check.Slot);
        switch (result.Status)
        {
            case CompleteStatus.LeaseLost: JobsLog.LeaseLost(logger, check.Uid, slot); break;
            case CompleteStatus.DuplicateSlot: JobsLog.DuplicateSlot(logger, check.Uid, slot); break;
            default:
                JobsLog.CheckCompleted(logger, check.Uid, driftType, check.Trigger, check.WindowStart is { } w ? DriftCheckEngine.Format(w) : null,
                    DriftCheckEngine.Format(check.WindowEnd), check.Outcome.Findings.Count, result.AlertsOpened, result.AlertsResolved, "completed", check.Outcome.Summary);
                break;
        }
        var tags = new TagList { { "drift_type", driftType }, { "trigger", check.Trigger }, { "outcome", StatusName(result.Status) } };
        metrics.JobDuration.Record(time.GetElapsedTime(started).TotalSeconds, tags);
        if (result.AlertsOpened > 0) metrics.AlertsFired.Add(result.AlertsOpened, new KeyValuePair<string, object?>("drift_type", driftType));
    }

    private static string StatusName(CompleteStatus status) => status switch
    {
        CompleteStatus.LeaseLost => "lease_lost",
        CompleteStatus.DuplicateSlot => "duplicate_slot",
        _ => "completed",
    };
}
