using System.Globalization;
using Scouter.Client.Transports;
using Scouter.Records;
using StackExchange.Redis;

namespace Scouter.Redis;

/// <summary>
/// Appends each record batch to a Redis stream: <c>XADD &lt;stream&gt; MAXLEN ~ &lt;MaxLength&gt; * batch &lt;json&gt;</c>.
/// A send completes when Redis has appended the entry (durable as the server's persistence settings make it,
/// e.g. <c>appendfsync always</c>). A refusal no retry can change (authentication refused or required, no
/// permission for <c>XADD</c> or the key, a message over <c>proto-max-bulk-len</c>) is a non-retryable
/// <see cref="TransportException"/>; every other failure (unreachable, timeout, other error replies) is retryable:
/// a batch whose <c>XADD</c> reached Redis before the connection dropped may then be appended twice, which the
/// server's dedupe by batch id absorbs.
/// </summary>
public sealed class RedisTransport : IRecordTransport
{
    private readonly RedisSettings _settings;
    private readonly StreamAddOptions _addOptions;
    // Guards _connecting and _disposed. Never held while the multiplexer runs: its connect log and events call
    // back into Refuse/Accept from its own threads, which take _refusedLock only.
    private readonly Lock _lock = new();
    private Task<ConnectionMultiplexer>? _connecting;
    private readonly Lock _refusedLock = new();
    // Completed (with the reason) while Redis refuses the handshake; replaced by a pending one when a connection succeeds.
    private TaskCompletionSource<string> _refused = new(TaskCreationOptions.RunContinuationsAsynchronously);
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
        var payload = batch.ToUtf8Json();
        try
        {
            // One deadline for connecting and appending: the multiplexer queues commands while it reconnects.
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_settings.SendTimeout);
            // A refused handshake (wrong password) is not an error reply to the command: connecting, or the command
            // waiting in the multiplexer's backlog, would wait for a connection that cannot come, so the refusal ends the wait.
            var refused = RefusedTask();
            var connecting = Connection();
            if (await Task.WhenAny(connecting, refused).WaitAsync(timeout.Token) == refused)
                throw Refused(batch, payload.Length, await refused, null);
            var connection = await connecting;
            refused = RefusedTask();
            var append = connection.GetDatabase().StreamAddAsync(_settings.Stream, "batch", payload, _addOptions);
            var first = await Task.WhenAny(append, refused).WaitAsync(timeout.Token);
            if (first == refused)
            {
                ObserveLater(append);
                throw Refused(batch, payload.Length, await refused, null);
            }
            await append;
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
        catch (RedisServerException ex) when (PermanentCause(ex.Message) is { } cause)
        {
            throw Refused(batch, payload.Length, $"{cause}: {ex.Message}", ex);
        }
        catch (RedisConnectionException ex) when (ex.FailureType is ConnectionFailureType.AuthenticationFailure
            || ex.InnerException is RedisConnectionException { FailureType: ConnectionFailureType.AuthenticationFailure })
        {
            throw Refused(batch, payload.Length, "authentication failed: Redis refused the user name and password, or requires them", ex);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or System.Net.Sockets.SocketException)
        {
            throw Failure(batch, ex.Message, ex);
        }
    }

    /// <summary>
    /// Why Redis will refuse this command however often it is repeated, from its error reply, or null: authentication
    /// required or refused (<c>NOAUTH</c>, <c>WRONGPASS</c>), no permission for the command or key (<c>NOPERM</c>), or
    /// a message over the server's size limit (<c>proto-max-bulk-len</c>: "invalid bulk length", "string exceeds
    /// maximum allowed size").
    /// </summary>
    internal static string? PermanentCause(string error) =>
        error.StartsWith("NOAUTH", StringComparison.Ordinal) || error.StartsWith("WRONGPASS", StringComparison.Ordinal)
            ? "authentication failed"
            : error.StartsWith("NOPERM", StringComparison.Ordinal)
                ? "permission denied"
                : error.Contains("invalid bulk length", StringComparison.OrdinalIgnoreCase)
                    || error.Contains("exceeds maximum allowed size", StringComparison.OrdinalIgnoreCase)
                    ? "message too large"
                    : null;

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
            // Bounded: a connect that Redis keeps refusing (wrong password) may never complete.
            await connecting.WaitAsync(DisposeWait).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Never connected, or still trying: closed below once it completes.
        }
        if (connecting.IsCompletedSuccessfully)
        {
            var connection = await connecting.ConfigureAwait(false);
            try
            {
                await connection.DisposeAsync().AsTask().WaitAsync(DisposeWait).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // The close goes on in the background; disposal does not wait for it.
            }
        }
        else if (!connecting.IsCompleted)
        {
            _ = CloseWhenConnectedAsync(connecting);
        }
    }

    private static async Task CloseWhenConnectedAsync(Task<ConnectionMultiplexer> connecting)
    {
        try
        {
            await (await connecting.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Never connected: nothing to close.
        }
    }

    /// <summary>How long disposal waits for a connect in progress and for the connection to close.</summary>
    private static readonly TimeSpan DisposeWait = TimeSpan.FromSeconds(5);

    private Task<ConnectionMultiplexer> Connection()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // A failed connect (rare with AbortOnConnectFail off) is retried on the next send.
            // Task.Run: the multiplexer's synchronous start (which writes its log) runs outside the lock.
            if (_connecting is null || _connecting.IsFaulted || _connecting.IsCanceled) _connecting = Task.Run(ConnectAsync);
            return _connecting;
        }
    }

    /// <summary>
    /// Connects, and follows the connection: while Redis refuses the handshake (wrong password, or none given), sends
    /// fail at once as not retryable instead of waiting in the multiplexer's backlog for a connection that cannot come.
    /// </summary>
    private async Task<ConnectionMultiplexer> ConnectAsync()
    {
        // The first handshake's refusal happens inside ConnectAsync, before an event handler can be attached: its log tells.
        var connection = await ConnectionMultiplexer.ConnectAsync(_settings.Options.Clone(), new RefusalWatch(this));
        connection.ConnectionFailed += (_, e) =>
        {
            if (e.FailureType is ConnectionFailureType.AuthenticationFailure) Refuse(ReplyIn(e.Exception?.Message));
        };
        connection.ConnectionRestored += (_, _) => Accept();
        return connection;
    }

    /// <summary>Reads the multiplexer's connect log as it is written: an authentication refusal fails the sends waiting for the connection.</summary>
    private sealed class RefusalWatch(RedisTransport transport) : TextWriter(CultureInfo.InvariantCulture)
    {
        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

        public override void Write(char value)
        {
            // Whole lines only (below).
        }

        public override void Write(string? value) => Watch(value);

        public override void WriteLine(string? value) => Watch(value);

        private void Watch(string? line)
        {
            if (line is null) return;
            if (ReplyIn(line) is { } reply && (reply.StartsWith("NOAUTH", StringComparison.Ordinal) || reply.StartsWith("WRONGPASS", StringComparison.Ordinal)))
                transport.Refuse(reply);
            else if (line.Contains(nameof(ConnectionFailureType.AuthenticationFailure), StringComparison.Ordinal))
                transport.Refuse(null);
        }
    }

    /// <summary>Redis's error reply quoted in a client message or log (e.g. <c>NOAUTH Authentication required.</c>), if any.</summary>
    private static string? ReplyIn(string? text)
    {
        const string marker = "SimpleError: ";
        var at = text?.IndexOf(marker, StringComparison.Ordinal) ?? -1;
        if (at < 0) return null;
        var reply = text![(at + marker.Length)..];
        var end = reply.IndexOfAny(['\r', '\n']);
        return end < 0 ? reply : reply[..end];
    }

    private void Refuse(string? reply)
    {
        var reason = "authentication failed: Redis refused the user name and password, or requires them" + (reply is null ? string.Empty : $" ({reply})");
        lock (_refusedLock) _refused.TrySetResult(reason);
    }

    private void Accept()
    {
        lock (_refusedLock)
        {
            if (_refused.Task.IsCompleted) _refused = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    private Task<string> RefusedTask()
    {
        lock (_refusedLock) return _refused.Task;
    }

    /// <summary>An abandoned command still completes (or times out) in the multiplexer: observe its failure.</summary>
    private static void ObserveLater(Task command) =>
        command.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    private TransportException Failure(RecordBatch batch, string reason, Exception inner) =>
        new($"Redis XADD of batch {batch.BatchId} to stream {_settings.Stream} at {_settings.RedactedAddress} failed: {reason}",
            retryable: true, inner: inner);

    private TransportException Refused(RecordBatch batch, int bytes, string reason, Exception? inner) =>
        new(string.Create(CultureInfo.InvariantCulture,
                $"Redis XADD of batch {batch.BatchId} ({bytes} bytes) to stream {_settings.Stream} at {_settings.RedactedAddress} refused, not retried: {reason}"),
            retryable: false, inner: inner);
}
