using Xunit;

namespace Scouter.Client.Tests.Queue;

public class StatisticsTests
{
    [Fact]
    public void ToString_PrintsTheCounters_AndOnlyNonZeroDropsErrorsAndRejections()
    {
        var stats = new QueueStats();
        for (var i = 0; i < 3; i++)
        {
            stats.AddInserted();
            stats.AddAggregated();
        }
        stats.AddSent(5);
        stats.AddRetry();
        stats.AddBuffered(1);
        stats.AddDropped(DropReason.BufferFull, 2, 20);
        stats.AddDropped(DropReason.Closed, 0, 4);
        stats.AddError(InsertError.NotNumeric);
        stats.AddError(InsertError.NotNumeric);
        stats.AddError(InsertError.UnknownFeature);
        stats.AddRejected("unknown_bin", 4);
        stats.AddRejected("payload_too_large", 2);
        stats.AddRejected("unknown_bin", 1);

        Assert.Equal(
            "inserted 3, aggregated 3, batches sent 1, records sent 5, retries 1, buffered 1; dropped: buffer_full 2 batches (20 records), closed 4 inserts; "
            + "errors: not_numeric 2, unknown_feature 1; rejected records: payload_too_large 2, unknown_bin 5",
            stats.Snapshot().ToString());
    }

    [Fact]
    public void ToString_OfNewQueue_HasOnlyTheCounters()
    {
        Assert.Equal("inserted 0, aggregated 0, batches sent 0, records sent 0, retries 0, buffered 0", new QueueStats().Snapshot().ToString());
    }

    [Fact]
    public void Snapshot_ListsEveryErrorKindAndDropReason()
    {
        var snapshot = new QueueStats().Snapshot();
        Assert.Equal(
            ["no_known_features", "no_known_metrics", "non_finite_metric", "not_convertible", "not_numeric", "null_value", "unknown_feature", "unknown_metric", "value_out_of_range", "wrong_kind"],
            snapshot.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["buffer_full", "channel_full", "closed", "profile_pending", "shutdown_timeout"], snapshot.Dropped.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(snapshot.RejectedRecords);
    }
}
