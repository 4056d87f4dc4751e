using Microsoft.Extensions.Logging;
using Scouter.Client.Transports;
using Scouter.Records;
using Scouter.Resilience;

namespace Scouter.Client;

/// <summary>
/// The delivery half of the queue (Serilog <c>BatchingSink</c> shape): a bounded FIFO buffer of
/// batches and <c>concurrency</c> sender loops, each sending one batch at a time in buffer order.
/// A retryable failure (or the receiver's <c>Retry-After</c>) starts a backoff (Core's
/// <see cref="Backoff"/>) during which only the first sender probes, one batch at a time, until a
/// send succeeds; then all senders resume. An outage logs one Warning when it starts and one
/// Information line when it ends. A batch refused with a non-retryable failure is removed and its
/// records counted as rejected; records the receiver lists as refused are counted the same way.
/// When the buffer is full the oldest batch not being sent is dropped. Every batch ends exactly once
/// as sent, rejected or dropped-with-reason. All waiting goes through the <see cref="TimeProvider"/>.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "StopAsync ends the lifetime and disposes the token source.")]
internal sealed class BatchDelivery
{
    private readonly IRecordTransport _transport;
    private readonly int _capacity;
    private readonly Backoff _backoff;
    private readonly TimeProvider _time;
    private readonly QueueStats _stats;
    private readonly ILogger _logger;
    private readonly RecordRejections _rejections;
    private readonly LogThrottle _bufferFullLog;
    private readonly Lock _lock = new();
    private readonly LinkedList<RecordBatch> _buffer = new();
    private readonly HashSet<LinkedListNode<RecordBatch>> _inFlight = [];
    private readonly List<TaskCompletionSource> _emptyWaiters = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _senders;
    private TaskCompletionSource _changed = NewSignal();
    private DateTimeOffset _nextAttemptAt = DateTimeOffset.MinValue;
    private bool _backingOff;
    private int _failures;
    private int _attempt;
    private bool _stopped;
    private int _backoffWaits;
    private bool _outage;
    private long _outageStartedAt;
    private int _outageFailures;

    public BatchDelivery(IRecordTransport transport, int capacity, int concurrency, Backoff backoff, TimeProvider time, QueueStats stats, ILogger logger,
        RecordRejections? rejections = null)
    {
        _transport = transport;
        _capacity = capacity;
        _backoff = backoff;
        _time = time;
        _stats = stats;
        _logger = logger;
        _rejections = rejections ?? new RecordRejections(stats, logger, time);
        _bufferFullLog = new LogThrottle(time);
        _senders = new Task[concurrency];
        for (var i = 0; i < concurrency; i++)
        {
            var prober = i == 0;
            _senders[i] = Task.Run(() => RunSenderAsync(prober));
        }
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
                    while (victim is not null && _inFlight.Contains(victim)) victim = victim.Next;
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
                if (_bufferFullLog.Hit(out var count)) Log.BatchDroppedBufferFull(_logger, _capacity, dropped.BatchId, dropped.Records.Count, count);
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
        SignalChanged();
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
        await Task.WhenAll(_senders).ConfigureAwait(false);

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

    private async Task RunSenderAsync(bool prober)
    {
        var ct = _stop.Token;
        while (!ct.IsCancellationRequested)
        {
            LinkedListNode<RecordBatch>? node = null;
            Task? changed = null;
            var backoff = TimeSpan.Zero;
            var failuresAtStart = 0;
            lock (_lock)
            {
                failuresAtStart = _failures;
                if (!_backingOff) node = NextToSend();
                else if (!prober) changed = _changed.Task;
                else if ((backoff = _nextAttemptAt - _time.GetUtcNow()) <= TimeSpan.Zero) node = NextToSend();
                if (node is not null) _inFlight.Add(node);
                else changed ??= backoff > TimeSpan.Zero ? null : _changed.Task;
            }

            if (node is null)
            {
                try
                {
                    if (changed is not null)
                    {
                        await changed.WaitAsync(ct).ConfigureAwait(false);
                    }
                    else
                    {
                        var delay = Task.Delay(backoff, _time, ct);
                        Interlocked.Increment(ref _backoffWaits);
                        await delay.ConfigureAwait(false);
                    }
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                continue;
            }

            if (!await SendAsync(node, failuresAtStart, ct).ConfigureAwait(false)) break;
        }
    }

    /// <summary>The oldest batch no sender has taken. Call under the lock.</summary>
    private LinkedListNode<RecordBatch>? NextToSend()
    {
        var node = _buffer.First;
        while (node is not null && _inFlight.Contains(node)) node = node.Next;
        return node;
    }

    /// <summary>
    /// Sends one batch and settles it: sent, rejected, or back in the buffer with a backoff. A success
    /// ends the backoff only when no send failed after this one started (a probe), so a slow send
    /// from before an outage does not cut short a receiver's <c>Retry-After</c>. False when stopping.
    /// </summary>
    private async Task<bool> SendAsync(LinkedListNode<RecordBatch> node, int failuresAtStart, CancellationToken ct)
    {
        var batch = node.Value;
        Exception? error = null;
        IReadOnlyList<RejectedRecord>? refused = null;
        try
        {
            refused = await _transport.SendAsync(batch, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            lock (_lock) _inFlight.Remove(node);
            return false;
        }
        catch (Exception ex)
        {
            error = ex;
        }

        if (error is null)
        {
            var recovered = false;
            int outageFailures = 0;
            var outageDuration = TimeSpan.Zero;
            lock (_lock)
            {
                if (_failures == failuresAtStart)
                {
                    _attempt = 0;
                    _backingOff = false;
                    _nextAttemptAt = DateTimeOffset.MinValue;
                    if (_outage)
                    {
                        recovered = true;
                        _outage = false;
                        outageFailures = _outageFailures;
                        outageDuration = _time.GetElapsedTime(_outageStartedAt);
                    }
                }
            }
            // Counted before the removal can report the buffer empty.
            var refusedCount = _rejections.Count(batch.Records, refused ?? [], _transport.Name);
            _stats.AddSent(batch.Records.Count - refusedCount);
            Remove(node);
            if (recovered) Log.DeliveryRecovered(_logger, _transport.Name, outageFailures, outageDuration, Count);
        }
        else if (error is TransportException { Retryable: false })
        {
            _rejections.CountBatch(batch, error, _transport.Name);
            Remove(node);
        }
        else
        {
            TimeSpan delay;
            int attempt;
            var outageStarts = false;
            lock (_lock)
            {
                _failures++;
                attempt = ++_attempt;
                delay = error is TransportException { RetryAfter: { } after } && after > TimeSpan.Zero ? after : _backoff.Delay(attempt);
                _nextAttemptAt = _time.GetUtcNow() + delay;
                _backingOff = true;
                _inFlight.Remove(node);
                if (!_outage)
                {
                    outageStarts = _outage = true;
                    _outageStartedAt = _time.GetTimestamp();
                    _outageFailures = 0;
                }
                _outageFailures++;
            }
            _stats.AddRetry();
            if (outageStarts) Log.DeliveryFailing(_logger, error, _transport.Name, error.Message, _capacity);
            Log.RetryScheduled(_logger, error, batch.BatchId, _transport.Name, attempt, delay);
        }
        SignalChanged();
        return true;
    }

    private void Remove(LinkedListNode<RecordBatch> node)
    {
        lock (_lock)
        {
            _inFlight.Remove(node);
            _buffer.Remove(node);
            _stats.AddBuffered(-1);
            if (_buffer.Count == 0) CompleteEmptyWaiters();
        }
    }

    /// <summary>Wakes every sender waiting for a batch or for the backoff to end, so each looks again.</summary>
    private void SignalChanged()
    {
        TaskCompletionSource previous;
        lock (_lock)
        {
            previous = _changed;
            _changed = NewSignal();
        }
        previous.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void CompleteEmptyWaiters()
    {
        foreach (var waiter in _emptyWaiters) waiter.TrySetResult();
        _emptyWaiters.Clear();
    }
}
