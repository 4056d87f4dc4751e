using Microsoft.Extensions.Logging;
using Scouter.Client.Transports;
using Scouter.Records;

namespace Scouter.Client;

/// <summary>
/// Counts refused records in <see cref="ScouterQueueStatistics.RejectedRecords"/> by code, each
/// record once, and logs them at Error at most once per code and <see cref="LogThrottle.Interval"/>.
/// Three sources: the queue's own <see cref="RecordRules"/> check before sending, the records a
/// transport lists as refused in its answer, and a batch refused as a whole. <c>unknown_profile</c>
/// gets its own line naming the alias, the uid and the fix. Thread-safe.
/// </summary>
internal sealed class RecordRejections
{
    /// <summary>The source named in log lines for records the queue refused before sending.</summary>
    public const string QueueCheck = "the queue's record check";

    /// <summary>The code of a batch refused as a whole by a transport failure without a code.</summary>
    public const string NoCode = "rejected";

    private const string UnknownProfileCode = "unknown_profile";

    private readonly QueueStats _stats;
    private readonly ILogger _logger;
    private readonly LogThrottles _throttles;
    private readonly Func<Guid, string?> _aliasOf;

    public RecordRejections(QueueStats stats, ILogger logger, TimeProvider time, Func<Guid, string?>? aliasOf = null)
    {
        _stats = stats;
        _logger = logger;
        _throttles = new LogThrottles(time);
        _aliasOf = aliasOf ?? (_ => null);
    }

    /// <summary>
    /// Counts <paramref name="refused"/> (entries of <paramref name="records"/>, a batch or a cut; an
    /// index outside it or listed twice is ignored, so that no record is counted twice) and logs one
    /// line per code. Returns the number of records counted.
    /// </summary>
    public int Count(IReadOnlyList<DriftRecord> records, IReadOnlyList<RejectedRecord> refused, string source)
    {
        if (refused.Count == 0) return 0;
        var seen = new HashSet<int>();
        var byCode = new Dictionary<string, (int Records, RejectedRecord First)>(StringComparer.Ordinal);
        foreach (var entry in refused)
        {
            if (entry is null || entry.Index < 0 || entry.Index >= records.Count || !seen.Add(entry.Index)) continue;
            var code = string.IsNullOrEmpty(entry.Code) ? NoCode : entry.Code;
            byCode[code] = byCode.TryGetValue(code, out var sum) ? (sum.Records + 1, sum.First) : (1, entry);
        }
        foreach (var (code, (count, first)) in byCode)
        {
            _stats.AddRejected(code, count);
            var uid = records[first.Index].Uid;
            if (code == UnknownProfileCode)
            {
                if (_throttles.Hit(code + ":" + uid.ToString(), count, out var since)) Log.UnknownProfile(_logger, AliasOf(uid), source, uid, since);
            }
            else if (_throttles.Hit(code, count, out var since))
            {
                Log.RecordsRefused(_logger, AliasOf(uid), count, source, code, first.Field, first.Detail, since);
            }
        }
        return seen.Count;
    }

    /// <summary>Counts every record of <paramref name="batch"/>, refused as a whole with a non-retryable failure.</summary>
    public void CountBatch(RecordBatch batch, Exception error, string transport)
    {
        var code = (error as TransportException)?.Code is { Length: > 0 } known ? known : NoCode;
        var records = batch.Records.Count;
        _stats.AddRejected(code, records);
        var uid = records > 0 ? batch.Records[0].Uid : Guid.Empty;
        if (code == UnknownProfileCode)
        {
            if (_throttles.Hit(code + ":" + uid.ToString(), records, out var count)) Log.UnknownProfile(_logger, AliasOf(uid), transport, uid, count);
        }
        else if (_throttles.Hit(code, records, out var count))
        {
            Log.BatchRejected(_logger, error, AliasOf(uid), batch.BatchId, records, transport, code, error.Message, count);
        }
    }

    private string AliasOf(Guid uid) => _aliasOf(uid) ?? uid.ToString();
}
