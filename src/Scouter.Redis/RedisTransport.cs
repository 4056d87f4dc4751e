using System.Text.Json;
using Scouter.Client.Transports;
using Scouter.Records;
using Scouter.Serialization;
using StackExchange.Redis;

namespace Scouter.Redis;

/// <summary>
/// Appends each record batch to a Redis stream: <c>XADD &lt;stream&gt; MAXLEN ~ &lt;MaxLength&gt; * batch &lt;json&gt;</c>.
/// A send completes when Redis has appended the entry (durable as the server's persistence settings make it,
/// e.g. <c>appendfsync always</c>). Every Redis failure (unreachable, timeout, error reply) is a retryable
/// <see cref="TransportException"/>: a batch whose <c>XADD</c> reached Redis before the connection dropped may
/// then be appended twice, which the server's dedupe by batch id absorbs.
/// </summary>
public sealed class RedisTransport : IRecordTransport
{
    private readonly RedisSettings _settings;
    private readonly StreamAddOptions _addOptions;
    private readonly Lock _lock = new();
    private Task<ConnectionMultiplexer>? _connecting;
    private bool _disposed;

    /// <summary>Creates the transport; it connects on the first send and reconnects by itself.</summary>
    /// <exception cref="ArgumentException">A setting is invalid (the message names it).</exception>
    public RedisTransport(RedisConfig? config = null)
    {
        _settings = (config ?? new RedisConfig()).Resolve();
        _addOptions = new StreamAddOptions { MaxLength = _settings.MaxLength, Approximate = true };
    }

    /// <inheritdoc />
    public string Name => "redis";

    /// <inheritdoc />
    public async Task<IReadOnlyList<RejectedRecord>> SendAsync(RecordBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var payload = JsonSerializer.SerializeToUtf8Bytes(batch, ScouterJsonContext.Default.RecordBatch);
        try
        {
            // One deadline for connecting and appending: the multiplexer queues commands while it reconnects.
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_settings.SendTimeout);
            var connection = await Connection().WaitAsync(timeout.Token);
            await connection.GetDatabase().StreamAddAsync(_settings.Stream, "batch", payload, _addOptions).WaitAsync(timeout.Token);
            return [];
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException ex)
        {
            throw Failure(batch, $"timed out after {_settings.SendTimeout}", ex);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or System.Net.Sockets.SocketException)
        {
            throw Failure(batch, ex.Message, ex);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Task<ConnectionMultiplexer>? connecting;
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            connecting = _connecting;
        }
        if (connecting is null) return;
        try
        {
            await (await connecting).DisposeAsync();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Never connected: nothing to close.
        }
    }

    private Task<ConnectionMultiplexer> Connection()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // A failed connect (rare with AbortOnConnectFail off) is retried on the next send.
            if (_connecting is null || _connecting.IsFaulted || _connecting.IsCanceled)
                _connecting = ConnectionMultiplexer.ConnectAsync(_settings.Options.Clone());
            return _connecting;
        }
    }

    private TransportException Failure(RecordBatch batch, string reason, Exception inner) =>
        new($"Redis XADD of batch {batch.BatchId} to stream {_settings.Stream} at {_settings.RedactedAddress} failed: {reason}",
            retryable: true, inner: inner);
}
