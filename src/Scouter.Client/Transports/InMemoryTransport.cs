using Scouter.Records;

namespace Scouter.Client.Transports;

/// <summary>
/// A transport that keeps every batch in memory, for testing applications that use a
/// <see cref="ScouterQueue"/>. It can be told to fail the next sends to simulate an outage.
/// Disposing it keeps the recorded batches.
/// </summary>
public sealed class InMemoryTransport : IRecordTransport
{
    private readonly Lock _lock = new();
    private readonly List<RecordBatch> _batches = [];
    private int _failRemaining;
    private bool _failRetryable;
    private TimeSpan? _failRetryAfter;
    private int _attempts;

    /// <inheritdoc />
    public string Name => "memory";

    /// <summary>The batches accepted so far, in order.</summary>
    public IReadOnlyList<RecordBatch> Batches
    {
        get
        {
            lock (_lock) return [.. _batches];
        }
    }

    /// <summary>The records of all accepted batches, in order.</summary>
    public IReadOnlyList<DriftRecord> Records
    {
        get
        {
            lock (_lock) return [.. _batches.SelectMany(b => b.Records)];
        }
    }

    /// <summary>Calls to <see cref="SendAsync"/>, failed ones included.</summary>
    public int SendAttempts => Volatile.Read(ref _attempts);

    /// <summary>Makes the next <paramref name="count"/> sends throw a <see cref="TransportException"/> (0 stops failing).</summary>
    public void FailNext(int count, bool retryable = true, TimeSpan? retryAfter = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_lock)
        {
            _failRemaining = count;
            _failRetryable = retryable;
            _failRetryAfter = retryAfter;
        }
    }

    /// <summary>Forgets the recorded batches.</summary>
    public void Clear()
    {
        lock (_lock) _batches.Clear();
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RejectedRecord>> SendAsync(RecordBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            _attempts++;
            if (_failRemaining > 0)
            {
                _failRemaining--;
                throw new TransportException("simulated failure", _failRetryable, _failRetryAfter);
            }
            _batches.Add(batch);
        }
        return Task.FromResult<IReadOnlyList<RejectedRecord>>([]);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
