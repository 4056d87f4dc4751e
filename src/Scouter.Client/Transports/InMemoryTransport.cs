using System.Collections.Concurrent;
using Scouter.Records;

namespace Scouter.Client.Transports;

/// <summary>
/// A transport that keeps every batch in memory, for testing applications that use a
/// <see cref="ScouterQueue"/>. Like the server it refuses the records it could not store, and
/// returns them from <see cref="SendAsync"/> (the queue counts them in
/// <see cref="ScouterQueueStatistics.RejectedRecords"/>): a record whose uid belongs to no known
/// profile (<c>unknown_profile</c>) and one that breaks the profile's <see cref="RecordRules"/>. It
/// knows the profiles given to its constructor and those of every queue that uses it; set
/// <see cref="ValidateRecords"/> to false to keep every record unchecked. It can be told to fail
/// the next sends to simulate an outage. Disposing it keeps the recorded batches.
/// </summary>
public sealed class InMemoryTransport : IRecordTransport
{
    private readonly Lock _lock = new();
    private readonly List<RecordBatch> _batches = [];
    private readonly ConcurrentDictionary<Guid, RecordRules> _rules = new();
    private int _failRemaining;
    private bool _failRetryable;
    private TimeSpan? _failRetryAfter;
    private int _attempts;

    /// <summary>Creates a transport that knows the profiles of the queues that use it.</summary>
    public InMemoryTransport()
    {
    }

    /// <summary>Creates a transport that also knows <paramref name="profiles"/> (records of other uids are refused as <c>unknown_profile</c>).</summary>
    public InMemoryTransport(IEnumerable<DriftProfile> profiles)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        AddProfiles(profiles);
    }

    /// <inheritdoc />
    public string Name => "memory";

    /// <summary>Whether records are checked as the server would check them (default true); false stores every record as sent.</summary>
    public bool ValidateRecords { get; set; } = true;

    /// <summary>The batches accepted so far, in order, each holding only its stored records (a batch whose records were all refused is not listed).</summary>
    public IReadOnlyList<RecordBatch> Batches
    {
        get
        {
            lock (_lock) return [.. _batches];
        }
    }

    /// <summary>The stored records of all accepted batches, in order.</summary>
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
    /// <returns>The records refused (see the class summary), in batch order; empty when all were stored.</returns>
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
        }

        List<RejectedRecord> refused = ValidateRecords ? Check(batch) : [];
        var stored = batch;
        if (refused.Count > 0)
        {
            var indexes = refused.Select(r => r.Index).ToHashSet();
            stored = batch with { Records = [.. batch.Records.Where((_, i) => !indexes.Contains(i))] };
        }
        if (stored.Records.Count > 0)
        {
            lock (_lock) _batches.Add(stored);
        }
        return Task.FromResult<IReadOnlyList<RejectedRecord>>(refused);
    }

    /// <summary>Adds profiles whose records this transport stores (a queue adds its own when it is built).</summary>
    internal void AddProfiles(IEnumerable<DriftProfile> profiles)
    {
        foreach (var profile in profiles) _rules.TryAdd(profile.Config.Uid, RecordRules.For(profile));
    }

    private List<RejectedRecord> Check(RecordBatch batch)
    {
        List<RejectedRecord> refused = [];
        for (var i = 0; i < batch.Records.Count; i++)
        {
            var record = batch.Records[i];
            if (!_rules.TryGetValue(record.Uid, out var rules))
            {
                refused.Add(new RejectedRecord(i, "unknown_profile", RecordRules.Path(i, "uid"), $"No profile with uid {record.Uid}."));
            }
            else if (rules.Check(record) is { } problem)
            {
                refused.Add(RejectedRecord.Of(i, problem));
            }
        }
        return refused;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
