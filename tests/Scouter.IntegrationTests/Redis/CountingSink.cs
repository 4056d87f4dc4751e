using Scouter.Ingestion;

namespace Scouter.IntegrationTests.Redis;

/// <summary>Counts what a replica's consumer handed to the ingestion pipeline, by outcome.</summary>
internal sealed class CountingSink(IRecordBatchSink inner) : IRecordBatchSink
{
    private int _stored;
    private int _duplicates;

    public int Stored => Volatile.Read(ref _stored);

    public int Duplicates => Volatile.Read(ref _duplicates);

    public async Task<RecordSinkResult> IngestAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var result = await inner.IngestAsync(body, cancellationToken);
        if (result.Status == RecordSinkStatus.Stored) Interlocked.Increment(ref _stored);
        if (result.Status == RecordSinkStatus.Duplicate) Interlocked.Increment(ref _duplicates);
        return result;
    }
}
