using System.Globalization;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;
using Scouter.Client.Transports;
using Scouter.Records;

namespace Scouter.RabbitMQ;

/// <summary>
/// Publishes record batches to a durable RabbitMQ queue as persistent messages (JSON body, message id =
/// batch id) and completes only when the broker has confirmed them. A refusal that no retry can change (failed
/// authentication, access refused, no access to the virtual host, message over the broker's size limit, queue
/// declared with other settings) is a non-retryable <see cref="TransportException"/>; every other failure (broker
/// unreachable, connection lost, nack, unroutable return, no confirm within <see cref="RabbitMQConfig.SendTimeout"/>)
/// is retryable, and the next send reconnects. Safe for concurrent sends:
/// the queues of several profiles may share one transport and its channel.
/// </summary>
public sealed class RabbitMQTransport : IRecordTransport
{
    private readonly ResolvedRabbitMQConfig _config;
    private readonly ConnectionFactory _factory;
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private Publisher? _publisher;
    private bool _disposed;

    /// <summary>Creates the transport; it connects on the first send.</summary>
    /// <exception cref="ArgumentException">A setting is invalid (the message names it).</exception>
    public RabbitMQTransport(RabbitMQConfig? config = null)
    {
        _config = (config ?? new RabbitMQConfig()).Resolve();
        _factory = RabbitMQTopology.CreateConnectionFactory(_config);
    }

    /// <inheritdoc />
    public string Name => "rabbitmq";

    /// <inheritdoc />
    public async Task<IReadOnlyList<RejectedRecord>> SendAsync(RecordBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        var body = batch.ToUtf8Json();
        var properties = new BasicProperties
        {
            MessageId = batch.BatchId.ToString(),
            ContentType = "application/json",
            DeliveryMode = DeliveryModes.Persistent,
        };

        using var timeout = new CancellationTokenSource(_config.SendTimeout, _config.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        Publisher? publisher = null;
        try
        {
            publisher = await GetPublisherAsync(linked.Token);
            // With confirm tracking the call completes on the broker's ack and throws on a nack or a return.
            await publisher.Channel.BasicPublishAsync(string.Empty, _config.Queue, mandatory: true, properties, body, linked.Token);
            return [];
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException ex)
        {
            // The connection may be half dead (no TCP reset yet): start over on the next send.
            var closed = publisher?.Channel.CloseReason;
            await ResetAsync(publisher);
            throw Failure(batch, body.Length, $"not confirmed by RabbitMQ at {_config.DisplayAddress} within {_config.SendTimeout}", ex, closed);
        }
        catch (PublishException ex)
        {
            // A return means the queue is gone: reconnecting declares it again.
            var closed = publisher?.Channel.CloseReason;
            if (ex.IsReturn || closed is not null) await ResetAsync(publisher);
            throw Failure(batch, body.Length, ex.IsReturn ? $"returned as unroutable (queue '{_config.Queue}' missing)" : "nacked by the broker", ex, closed);
        }
        catch (Exception ex)
        {
            var closed = publisher?.Channel.CloseReason;
            await ResetAsync(publisher);
            throw Failure(batch, body.Length, $"failed, RabbitMQ at {_config.DisplayAddress} unreachable or connection lost: {ex.Message}", ex, closed);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Volatile.Read(ref _disposed)) return;
        Volatile.Write(ref _disposed, true);
        var publisher = Interlocked.Exchange(ref _publisher, null);
        if (publisher is not null) await publisher.CloseAsync(TimeSpan.FromSeconds(5));
        _connectLock.Dispose();
    }

    /// <summary>
    /// The send's exception: not retryable when the broker refused for good (see <see cref="PermanentCause"/>), with
    /// the address and the broker's reason; retryable otherwise.
    /// </summary>
    private TransportException Failure(RecordBatch batch, int bytes, string what, Exception inner, ShutdownEventArgs? channelClose)
    {
        if (PermanentCause(inner, channelClose, bytes) is { } cause)
        {
            return new TransportException(
                $"RabbitMQ send of batch {batch.BatchId} to queue '{_config.Queue}' at {_config.DisplayAddress} refused, not retried: {cause}",
                retryable: false, inner: inner);
        }
        return new TransportException($"RabbitMQ send of batch {batch.BatchId} {what}", retryable: true, inner: inner);
    }

    /// <summary>
    /// Why the broker will refuse this send however often it is repeated, or null when a retry may succeed (broker
    /// unreachable, connection lost, timeout, nack). Permanent: failed authentication, access refused (403) or not
    /// allowed (530, e.g. no access to the virtual host), a message over the broker's size limit (406), and a queue
    /// declared with other settings.
    /// </summary>
    internal static string? PermanentCause(Exception exception, ShutdownEventArgs? channelClose, int bytes)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            switch (ex)
            {
                case AuthenticationFailureException:
                    return $"authentication failed (wrong user name or password): {ex.Message}";
                case OperationInterruptedException { ShutdownReason: { } reason } when RefusalIn(reason, bytes) is { } cause:
                    return cause;
                case InvalidOperationException { InnerException: OperationInterruptedException { ShutdownReason.ReplyCode: Constants.PreconditionFailed } }:
                    // RabbitMQTopology: the queue exists with other arguments.
                    return ex.Message;
            }
        }
        return channelClose is null ? null : RefusalIn(channelClose, bytes);
    }

    private static string? RefusalIn(ShutdownEventArgs reason, int bytes) => reason.ReplyCode switch
    {
        Constants.AccessRefused => $"access refused (the user lacks a permission): {reason.ReplyCode} {reason.ReplyText}",
        Constants.NotAllowed => $"not allowed (e.g. no access to the virtual host): {reason.ReplyCode} {reason.ReplyText}",
        Constants.ContentTooLarge => string.Create(CultureInfo.InvariantCulture, $"message too large ({bytes} bytes): {reason.ReplyCode} {reason.ReplyText}"),
        Constants.PreconditionFailed when reason.ReplyText.Contains("max size", StringComparison.OrdinalIgnoreCase) =>
            string.Create(CultureInfo.InvariantCulture, $"message too large ({bytes} bytes): {reason.ReplyCode} {reason.ReplyText}"),
        _ => null,
    };

    private async Task<Publisher> GetPublisherAsync(CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _publisher);
        if (current is { IsOpen: true }) return current;

        await _connectLock.WaitAsync(cancellationToken);
        try
        {
            current = _publisher;
            if (current is { IsOpen: true }) return current;
            if (current is not null)
            {
                _publisher = null;
                await current.CloseAsync(TimeSpan.Zero);
            }

            var connection = await ConnectAsync(cancellationToken);
            try
            {
                var channel = await connection.CreateChannelAsync(
                    new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
                await RabbitMQTopology.DeclareAsync(channel, _config.Queue, cancellationToken);
                var publisher = new Publisher(connection, channel);
                Volatile.Write(ref _publisher, publisher);
                return publisher;
            }
            catch
            {
                await connection.AbortAsync(TimeSpan.FromSeconds(1));
                connection.Dispose();
                throw;
            }
        }
        finally
        {
            _connectLock.Release();
        }
    }

    /// <summary>
    /// Connects within the token's time: the client's handshake does not observe the token, so a peer that
    /// accepts TCP but never answers would hold the send past its timeout. A connection that completes after
    /// the caller gave up is closed.
    /// </summary>
    private async Task<IConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        var connecting = _factory.CreateConnectionAsync("scouter-transport", cancellationToken);
        try
        {
            return await connecting.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            _ = CloseWhenConnectedAsync(connecting);
            throw;
        }
    }

    private static async Task CloseWhenConnectedAsync(Task<IConnection> connecting)
    {
        try
        {
            var connection = await connecting;
            await connection.AbortAsync(TimeSpan.FromSeconds(1));
            connection.Dispose();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The abandoned attempt failed as well: nothing to close.
        }
    }

    /// <summary>Drops <paramref name="publisher"/> unless another send has already replaced it.</summary>
    private async Task ResetAsync(Publisher? publisher)
    {
        if (publisher is null || Interlocked.CompareExchange(ref _publisher, null, publisher) != publisher) return;
        await publisher.CloseAsync(TimeSpan.Zero);
    }

    private sealed class Publisher(IConnection connection, IChannel channel)
    {
        public IChannel Channel { get; } = channel;

        public bool IsOpen => connection.IsOpen && Channel.IsOpen;

        /// <summary>Closes gracefully within <paramref name="timeout"/>, or aborts (zero: abort at once). Never throws.</summary>
        public async Task CloseAsync(TimeSpan timeout)
        {
            try
            {
                if (timeout > TimeSpan.Zero && connection.IsOpen) await connection.CloseAsync(timeout);
                else await connection.AbortAsync(TimeSpan.FromSeconds(1));
            }
            catch (Exception ex) when (ex is AlreadyClosedException or OperationInterruptedException or IOException or TimeoutException
                or OperationCanceledException)
            {
                // Already gone: nothing to release on the broker.
            }
            await Channel.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
