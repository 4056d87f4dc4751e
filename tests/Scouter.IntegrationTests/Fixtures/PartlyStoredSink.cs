using System.Text;
using Scouter.Ingestion;
using Scouter.Records;

namespace Scouter.IntegrationTests.Fixtures;

/// <summary>
/// A sink that stores every message except two refused records: it answers Stored with those records in
/// <see cref="RecordSinkResult.Rejected"/> and a dead-letter body of its own, as the server's pipeline does for a
/// batch with some invalid records.
/// </summary>
public sealed class PartlyStoredSink : IRecordBatchSink
{
    private readonly TaskCompletionSource _called = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _calls;

    /// <param name="deadLetterPadding">Extra characters in the dead-letter body (to make it large).</param>
    public PartlyStoredSink(int deadLetterPadding = 0) =>
        DeadLetter = Encoding.UTF8.GetBytes(
            "{\"batch_id\":\"0190a000-0000-7000-8000-000000000001\",\"records\":[],\"rejected\":[" +
            "{\"index\":1,\"code\":\"invalid_value\"},{\"index\":3,\"code\":\"unknown_feature\"}],\"pad\":\"" + new string('x', deadLetterPadding) + "\"}");

    /// <summary>The body the sink asks to dead-letter.</summary>
    public byte[] DeadLetter { get; }

    public int Calls => Volatile.Read(ref _calls);

    public Task Called => _called.Task;

    public Task<RecordSinkResult> IngestAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        _called.TrySetResult();
        return Task.FromResult(new RecordSinkResult(RecordSinkStatus.Stored, 5)
        {
            Rejected = [new RejectedRecord(1, "invalid_value", "records[1].value", "not finite"), new RejectedRecord(3, "unknown_feature", "records[3].feature", "not in the profile")],
            DeadLetter = DeadLetter,
        });
    }

    /// <summary>Asserts that <paramref name="reason"/> names both refused records' codes and fields.</summary>
    public static void AssertReasonListsRejected(string? reason)
    {
        Xunit.Assert.NotNull(reason);
        Xunit.Assert.Contains("invalid_value (records[1].value)", reason, StringComparison.Ordinal);
        Xunit.Assert.Contains("unknown_feature (records[3].feature)", reason, StringComparison.Ordinal);
    }
}
