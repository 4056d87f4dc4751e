using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Scouter.Client.Transports;
using Scouter.RabbitMQ;
using Scouter.Records;
using Xunit;

namespace Scouter.IntegrationTests.RabbitMQ;

/// <summary><see cref="Scouter.RabbitMQ.RabbitMQTransport"/> on its own: failures are retryable and bounded by the send timeout; concurrent sends are safe.</summary>
public sealed class RabbitMQTransportTests
{
    private static RecordBatch Batch() => new()
    {
        BatchId = Guid.CreateVersion7(),
        SentAt = TimeProvider.System.GetUtcNow(),
        Records = [new PsiRecord { Uid = Guid.NewGuid(), CreatedAt = TimeProvider.System.GetUtcNow(), Feature = "age", BinCounts = new Dictionary<int, long> { [1] = 3 } }],
    };

    [Fact]
    public async Task SendAsync_NothingListening_ThrowsRetryableWithoutPassword()
    {
        var ct = TestContext.Current.CancellationToken;
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        await using var transport = RabbitMQEndToEndTests.Transport(
            string.Create(CultureInfo.InvariantCulture, $"amqp://guest:s3cret-pw@127.0.0.1:{port}/"), "unused", TimeSpan.FromSeconds(2));

        var elapsed = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<TransportException>(() => transport.SendAsync(Batch(), ct));

        Assert.True(ex.Retryable);
        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(3), $"took {elapsed.Elapsed}");
        Assert.DoesNotContain("s3cret", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_WrongPassword_FailsNotRetryableAtOnce_NamingAddressAndCause()
    {
        var ct = TestContext.Current.CancellationToken;
        var broker = new Uri(RabbitMQTestBroker.Address);
        await using var transport = RabbitMQEndToEndTests.Transport(
            string.Create(CultureInfo.InvariantCulture, $"amqp://guest:wrong-pw@{broker.Host}:{broker.Port}/"), "unused", TimeSpan.FromSeconds(20));

        var elapsed = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<TransportException>(() => transport.SendAsync(Batch(), ct));

        Assert.False(ex.Retryable);
        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(5), $"took {elapsed.Elapsed}, the send timeout is 20 s");
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"{broker.Host}:{broker.Port}"), ex.Message, StringComparison.Ordinal);
        Assert.Contains("authentication failed", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ACCESS_REFUSED", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-pw", ex.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Constants.AccessRefused, "ACCESS_REFUSED - access to queue 'q' in vhost '/' refused for user 'u'", "access refused")]
    [InlineData(Constants.NotAllowed, "NOT_ALLOWED - access to vhost '/' refused for user 'u'", "not allowed")]
    [InlineData(Constants.PreconditionFailed, "PRECONDITION_FAILED - message size 5000 is larger than configured max size 4096", "message too large (5000 bytes)")]
    [InlineData(Constants.ContentTooLarge, "CONTENT_TOO_LARGE", "message too large (5000 bytes)")]
    public void PermanentCause_RefusalsNoRetryCanChange_AreNamed(int replyCode, string replyText, string expectedStart)
    {
        var closed = new ShutdownEventArgs(ShutdownInitiator.Peer, (ushort)replyCode, replyText);

        var cause = RabbitMQTransport.PermanentCause(new IOException("channel closed"), closed, 5000);

        Assert.StartsWith(expectedStart, cause, StringComparison.Ordinal);
        Assert.Contains(replyText, cause, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Constants.ConnectionForced, "CONNECTION_FORCED - broker forced connection closure with reason 'shutdown'")]
    [InlineData(Constants.PreconditionFailed, "PRECONDITION_FAILED - unknown delivery tag 3")]
    [InlineData(Constants.ResourceError, "RESOURCE_ERROR")]
    public void PermanentCause_OtherClosures_AreRetryable(int replyCode, string replyText) =>
        Assert.Null(RabbitMQTransport.PermanentCause(new IOException("channel closed"), new ShutdownEventArgs(ShutdownInitiator.Peer, (ushort)replyCode, replyText), 5000));

    [Fact]
    public async Task SendAsync_PeerNeverAnswers_ThrowsRetryableAtSendTimeout()
    {
        var ct = TestContext.Current.CancellationToken;
        // Accepts TCP connections and never speaks AMQP: a hung broker.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        await using var transport = RabbitMQEndToEndTests.Transport(
            string.Create(CultureInfo.InvariantCulture, $"amqp://guest:guest@127.0.0.1:{port}/"), "unused", TimeSpan.FromSeconds(1));

        var elapsed = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<TransportException>(() => transport.SendAsync(Batch(), ct));

        Assert.True(ex.Retryable);
        Assert.InRange(elapsed.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(4));
    }

    [Fact]
    public async Task SendAsync_ManyConcurrentSends_AllConfirmedAndQueued()
    {
        var ct = TestContext.Current.CancellationToken;
        var queueName = RabbitMQTestBroker.UniqueQueue("concurrent");
        try
        {
            await using (var transport = RabbitMQEndToEndTests.Transport(RabbitMQTestBroker.Address, queueName))
            {
                await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(() => transport.SendAsync(Batch(), ct), ct)));
            }

            await using var connection = await RabbitMQTestBroker.ConnectAsync(RabbitMQTestBroker.Address, ct);
            var messages = await RabbitMQTestBroker.DrainAsync(connection, queueName, ct);
            Assert.Equal(200, messages.Count);
            Assert.Equal(200, messages.Select(m => m.BasicProperties.MessageId).Distinct().Count());
            Assert.All(messages, m =>
            {
                Assert.True(m.BasicProperties.Persistent);
                Assert.Equal("application/json", m.BasicProperties.ContentType);
            });
        }
        finally
        {
            await RabbitMQTestBroker.DeleteQueuesAsync(RabbitMQTestBroker.Address, queueName);
        }
    }
}
