namespace Scouter.Server.Storage;

/// <summary>
/// <see cref="IRecordStore"/> over SQLite or PostgreSQL: writes and retention in <see cref="RecordWriter"/>,
/// window reads in <see cref="RecordQueries"/>, PostgreSQL's daily partitions in <see cref="RecordPartitions"/>.
/// </summary>
internal sealed class SqlRecordStore : IRecordStore
{
    private readonly RecordWriter _writer;
    private readonly RecordQueries _queries;

    /// <summary>Creates the store; <paramref name="useRollups"/> false makes every read the raw computation (to check that roll-up reads equal it).</summary>
    public SqlRecordStore(ScouterDatabase db, ILogger<SqlRecordStore> log, bool useRollups = true)
    {
        _writer = new RecordWriter(db, new RecordPartitions(db, log));
        _queries = new RecordQueries(db, useRollups);
    }

    public async Task<IngestOutcome> IngestAsync(IngestBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return (await IngestManyAsync([batch], cancellationToken))[0];
    }

    public Task<IReadOnlyList<IngestOutcome>> IngestManyAsync(IReadOnlyList<IngestBatch> batches, CancellationToken cancellationToken = default) =>
        _writer.IngestManyAsync(batches, cancellationToken);

    public Task<IngestedBatch?> FindBatchAsync(Guid batchId, CancellationToken cancellationToken = default) => _writer.FindBatchAsync(batchId, cancellationToken);

    public Task<RetentionResult> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default) => _writer.PurgeAsync(cutoff, cancellationToken);

    public Task<long> PurgeRollupsAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default) => _writer.PurgeRollupsAsync(cutoff, cancellationToken);

    public Task<IReadOnlyList<PsiBucketCount>> PsiCountsAsync(Guid uid, TimeWindow window, CancellationToken cancellationToken = default) =>
        _queries.PsiCountsAsync(uid, window, cancellationToken);

    public Task<Dictionary<string, Dictionary<int, double>?[]>> PsiFeatureCountsAsync(Guid uid, TimeWindow window, CancellationToken cancellationToken = default) =>
        _queries.PsiFeatureCountsAsync(uid, window, cancellationToken);

    public Task<IReadOnlyList<SpcBucketStats>> SpcStatsAsync(Guid uid, TimeWindow window, CancellationToken cancellationToken = default) =>
        _queries.SpcStatsAsync(uid, window, cancellationToken);

    public Task<IReadOnlyList<SpcSampleRow>> SpcSamplesAsync(Guid uid, DateTimeOffset from, DateTimeOffset to, int limit, string? feature,
        CancellationToken cancellationToken = default) => _queries.SpcSamplesAsync(uid, from, to, limit, feature, cancellationToken);

    public IAsyncEnumerable<SpcSampleRow> StreamSpcSamplesAsync(Guid uid, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
        _queries.StreamSpcSamplesAsync(uid, from, to, cancellationToken);

    public Task<long> LlmPendingCountAsync(Guid uid, DateTimeOffset createdBefore, CancellationToken cancellationToken = default) =>
        _queries.LlmPendingCountAsync(uid, createdBefore, cancellationToken);

    public Task<IReadOnlyList<MetricBucket>> CustomValuesAsync(Guid uid, TimeWindow window, CancellationToken cancellationToken = default) =>
        _queries.CustomValuesAsync(uid, window, cancellationToken);

    public Task<IReadOnlyList<MetricBucket>> LlmScoresAsync(Guid uid, TimeWindow window, CancellationToken cancellationToken = default) =>
        _queries.LlmScoresAsync(uid, window, cancellationToken);

    public Task<IReadOnlyDictionary<string, long>> LlmStatusCountsAsync(Guid uid, TimeWindow window, LlmStatusAxis axis = LlmStatusAxis.Created, CancellationToken cancellationToken = default) =>
        _queries.LlmStatusCountsAsync(uid, window, axis, cancellationToken);
}
