using Microsoft.Extensions.Logging;
using Scouter.Client.Transports;
using Scouter.Records;

namespace Scouter.Client;

/// <summary>
/// The delivery half of the queue (Serilog <c>BatchingSink</c> shape): a bounded FIFO buffer of
/// batches and one sender loop that retries retryable failures with exponential backoff and full
/// jitter (or the receiver's <c>Retry-After</c>), drops rejected batches, and drops the oldest
/// batch when the buffer is full. Every batch ends exactly once as sent or dropped-with-reason.
/// All waiting goes through the <see cref="TimeProvider"/>.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "StopAsync ends the lifetime; the semaphore has no wait handle to release.")]
internal sealed class BatchDelivery
{
    private readonly IRecordTransport _transport;
    private readonly int _capacity;
    private readonly TimeSpan _initialBackoff;
    private readonly TimeSpan _maxBackoff;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly QueueStats _stats;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly LinkedList<RecordBatch> _buffer = new();
    private readonly List<TaskCompletionSource> _emptyWaiters = [];
    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private RecordBatch? _inFlight;
    private DateTimeOffset _nextAttemptAt = DateTimeOffset.MinValue;
    private int _attempt;
    private bool _stopped;
    private int _backoffWaits;

    public BatchDelivery(IRecordTransport transport, int capacity, TimeSpan initialBackoff, TimeSpan maxBackoff,
        TimeProvider time, Random random, QueueStats stats, ILogger logger)
    {
        _transport = transport;
        _capacity = capacity;
        _initialBackoff = initialBackoff;
        _maxBackoff = maxBackoff;
        _time = time;
        _random = random;
        _stats = stats;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Batches waiting, the one being sent included.</summary>
    public int Count
    {
        get
        {
            lock (_lock) return _buffer.Count;
        }
    }

    /// <summary>Backoff waits started so far (their timers exist): lets fake-time tests advance without racing the sender.</summary>
    internal int BackoffWaits => Volatile.Read(ref _backoffWaits);

    /// <summary>Adds a batch; when the buffer is full the oldest batch not being sent right now is dropped.</summary>
    public void Enqueue(RecordBatch batch)
    {
        RecordBatch? dropped = null;
        var droppedReason = DropReason.BufferFull;
        lock (_lock)
        {
            if (_stopped)
            {
                dropped = batch;
                droppedReason = DropReason.ShutdownTimeout;
            }
            else
            {
                if (_buffer.Count >= _capacity)
                {
                    var victim = _buffer.First;
                    if (victim is not null && ReferenceEquals(victim.Value, _inFlight)) victim = victim.Next;
                    if (victim is not null)
                    {
                        _buffer.Remove(victim);
                        dropped = victim.Value;
                    }
                }
                _buffer.AddLast(batch);
            }
        }

        if (dropped is not null)
        {
            _stats.AddDropped(droppedReason, 1, dropped.Records.Count);
            if (droppedReason == DropReason.BufferFull)
            {
                Log.BatchDroppedBufferFull(_logger, _capacity, dropped.BatchId, dropped.Records.Count);
            }
            else
            {
                Log.ShutdownUndelivered(_logger, 1, dropped.Records.Count, _transport.Name);
                return;
            }
        }
        else
        {
            _stats.AddBuffered(1);
        }
        if (_signal.CurrentCount == 0) _signal.Release();
    }

    /// <summary>Completes when the buffer is empty (everything sent or dropped).</summary>
    public Task WhenEmptyAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource tcs;
        lock (_lock)
        {
            if (_buffer.Count == 0) return Task.CompletedTask;
            tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _emptyWaiters.Add(tcs);
        }
        return tcs.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Waits up to <paramref name="timeout"/> for the buffer to empty, stops the sender (cancelling
    /// a send in progress) and drops what is left as <c>shutdown_timeout</c>.
    /// </summary>
    /// <returns>The batches and records that were not delivered.</returns>
    public async Task<(int Batches, long Records)> StopAsync(TimeSpan timeout)
    {
        var empty = WhenEmptyAsync(CancellationToken.None);
        if (!empty.IsCompleted)
        {
            using var cts = new CancellationTokenSource();
            await Task.WhenAny(empty, Task.Delay(timeout, _time, cts.Token)).ConfigureAwait(false);
            await cts.CancelAsync().ConfigureAwait(false);
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);

        List<RecordBatch> rest;
        lock (_lock)
        {
            _stopped = true;
            rest = [.. _buffer];
            _buffer.Clear();
            CompleteEmptyWaiters();
        }

        long records = 0;
        foreach (var batch in rest)
        {
            records += batch.Records.Count;
            _stats.AddDropped(DropReason.ShutdownTimeout, 1, batch.Records.Count);
        }
        _stats.AddBuffered(-rest.Count);
        if (rest.Count > 0) Log.ShutdownUndelivered(_logger, rest.Count, records, _transport.Name);
        _stop.Dispose();
        return (rest.Count, records);
    }

    /// <summary>The backoff before retry number <paramref name="attempt"/> (1-based): full jitter over min(max, initial·2^(attempt-1)).</summary>
    internal TimeSpan Backoff(int attempt)
    {
        var cap = Math.Min(_maxBackoff.Ticks, _initialBackoff.Ticks * Math.Pow(2, Math.Min(attempt - 1, 62)));
        return TimeSpan.FromTicks((long)(cap * _random.NextDouble()));
    }

    private async Task RunAsync()
    {
        var ct = _stop.Token;
        while (!ct.IsCancellationRequested)
        {
            RecordBatch? batch;
            lock (_lock) batch = _buffer.First?.Value;
            try
            {
                if (batch is null)
                {
                    await _signal.WaitAsync(ct).ConfigureAwait(false);
                    continue;
                }

                var wait = _nextAttemptAt - _time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    var delay = Task.Delay(wait, _time, ct);
                    Interlocked.Increment(ref _backoffWaits);
                    await delay.ConfigureAwait(false);
                    continue;
                }
            }
            catch (OperationCanceledException)
            {
                break;
            }

            lock (_lock)
            {
                if (!ReferenceEquals(_buffer.First?.Value, batch)) continue;
                _inFlight = batch;
            }

            Exception? error = null;
            try
            {
                await _transport.SendAsync(batch, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                lock (_lock) _inFlight = null;
                break;
            }
            catch (Exception ex)
            {
                error = ex;
            }

            if (error is null)
            {
                _attempt = 0;
                _nextAttemptAt = DateTimeOffset.MinValue;
                Remove(batch);
                _stats.AddSent(batch.Records.Count);
            }
            else if (error is TransportException { Retryable: false })
            {
                Remove(batch);
                _stats.AddDropped(DropReason.Rejected, 1, batch.Records.Count);
                Log.BatchRejected(_logger, error, batch.BatchId, batch.Records.Count, _transport.Name);
            }
            else
            {
                _attempt++;
                var delay = error is TransportException { RetryAfter: { } after } && after > TimeSpan.Zero ? after : Backoff(_attempt);
                _nextAttemptAt = _time.GetUtcNow() + delay;
                lock (_lock) _inFlight = null;
                _stats.AddRetry();
                Log.RetryScheduled(_logger, error, batch.BatchId, _transport.Name, _attempt, delay);
            }
        }
    }

    private void Remove(RecordBatch batch)
    {
        lock (_lock)
        {
            _inFlight = null;
            if (ReferenceEquals(_buffer.First?.Value, batch)) _buffer.RemoveFirst();
            else _buffer.Remove(batch);
            if (_buffer.Count == 0) CompleteEmptyWaiters();
        }
        _stats.AddBuffered(-1);
    }

    private void CompleteEmptyWaiters()
    {
        foreach (var waiter in _emptyWaiters) waiter.TrySetResult();
        _emptyWaiters.Clear();
    }
}
