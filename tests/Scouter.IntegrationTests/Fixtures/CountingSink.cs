using Scouter.Ingestion;

namespace Scouter.IntegrationTests.Fixtures;

/// <summary>
/// An <see cref="IRecordBatchSink"/> decorator that counts what one server replica did, optionally
/// slowing every message down so that a test can stop the replica while messages are in flight.
/// </summary>
public sealed class CountingSink(IRecordBatchSink? inner = null, TimeSpan delay = default) : IRecordBatchSink
{
    private int _started;
    private int _completed;
    private int _stored;
    private int _duplicates;
    private int _invalid;
    private int _retryLater;

    /// <summary>The sink counted (the replica's pipeline sink); may be set after construction.</summary>
    public IRecordBatchSink? Inner { get; set; } = inner;

    public int Started => Volatile.Read(ref _started);
    public int Completed => Volatile.Read(ref _completed);
    public int Stored => Volatile.Read(ref _stored);
    public int Duplicates => Volatile.Read(ref _duplicates);
    public int Invalid => Volatile.Read(ref _invalid);
    public int RetryLater => Volatile.Read(ref _retryLater);

    public async Task<RecordSinkResult> IngestAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _started);
        try
        {
            if (delay > TimeSpan.Zero) await Task.Delay(delay, CancellationToken.None);
            var result = await Inner!.IngestAsync(body, cancellationToken);
            switch (result.Status)
            {
                case RecordSinkStatus.Stored: Interlocked.Increment(ref _stored); break;
                case RecordSinkStatus.Duplicate: Interlocked.Increment(ref _duplicates); break;
                case RecordSinkStatus.Invalid: Interlocked.Increment(ref _invalid); break;
                default: Interlocked.Increment(ref _retryLater); break;
            }
            return result;
        }
        finally
        {
            Interlocked.Increment(ref _completed);
        }
    }
}
