using Microsoft.Extensions.Logging;
using Scouter.Client.Transports;
using Scouter.Records;

namespace Scouter.Client;

/// <summary>
/// The delivery half of the queue (Serilog <c>BatchingSink</c> shape): a bounded FIFO buffer of
/// batches and <c>concurrency</c> sender loops, each sending one batch at a time in buffer order.
/// A retryable failure (or the receiver's <c>Retry-After</c>) starts a backoff with exponential,
/// fully jittered delays during which only the first sender probes, one batch at a time, until a
/// send succeeds; then all senders resume. Rejected batches are dropped; when the buffer is full the
/// oldest batch not being sent is dropped. Every batch ends exactly once as sent or
/// dropped-with-reason. All waiting goes through the <see cref="TimeProvider"/>.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "StopAsync ends the lifetime and disposes the token source.")]
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

    public BatchDelivery(IRecordTransport transport, int capacity, int concurrency, TimeSpan initialBackoff, TimeSpan maxBackoff,
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

    /// <summary>The backoff before retry number <paramref name="attempt"/> (1-based): full jitter over min(max, initial·2^(attempt-1)).</summary>
    internal TimeSpan Backoff(int attempt)
    {
        var cap = Math.Min(_maxBackoff.Ticks, _initialBackoff.Ticks * Math.Pow(2, Math.Min(attempt - 1, 62)));
        return TimeSpan.FromTicks((long)(cap * _random.NextDouble()));
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
        try
        {
            await _transport.SendAsync(batch, ct).ConfigureAwait(false);
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
            lock (_lock)
            {
                if (_failures == failuresAtStart)
                {
                    _attempt = 0;
                    _backingOff = false;
                    _nextAttemptAt = DateTimeOffset.MinValue;
                }
            }
            _stats.AddSent(batch.Records.Count); // counted before the removal can report the buffer empty
            Remove(node);
        }
        else if (error is TransportException { Retryable: false })
        {
            _stats.AddDropped(DropReason.Rejected, 1, batch.Records.Count);
            Remove(node);
            Log.BatchRejected(_logger, error, batch.BatchId, batch.Records.Count, _transport.Name);
        }
        else
        {
            TimeSpan delay;
            int attempt;
            lock (_lock)
            {
                _failures++;
                attempt = ++_attempt;
                delay = error is TransportException { RetryAfter: { } after } && after > TimeSpan.Zero ? after : Backoff(attempt);
                _nextAttemptAt = _time.GetUtcNow() + delay;
                _backingOff = true;
                _inFlight.Remove(node);
            }
            _stats.AddRetry();
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
