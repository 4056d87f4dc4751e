using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using RabbitMQ.Client;
using Scouter.IntegrationTests.Fixtures;
using Scouter.Ingestion;
using Scouter.RabbitMQ;
using Xunit;

namespace Scouter.IntegrationTests.RabbitMQ;

/// <summary><see cref="RabbitMQRecordSource"/> against a scripted sink: what it does with "retry later" answers.</summary>
public sealed class RabbitMQRecordSourceTests
{
    [Fact]
    public async Task RetryLater_KeepsMessageAndRetries_AcksOnceStored()
    {
        var ct = TestContext.Current.CancellationToken;
        var queueName = RabbitMQTestBroker.UniqueQueue("retry");
        try
        {
            var sink = new ScriptedSink(retryLaterTimes: 2);
            using var stop = new CancellationTokenSource();
            var source = new RabbitMQRecordSource(new RabbitMQConfig { Address = RabbitMQTestBroker.Address, Queue = queueName });
            var running = source.RunAsync(sink, stop.Token);
            await RabbitMQTestBroker.WaitForConsumersAsync(RabbitMQTestBroker.Address, queueName, 1, ct);
            await using var connection = await RabbitMQTestBroker.ConnectAsync(RabbitMQTestBroker.Address, ct);
            await RabbitMQTestBroker.PublishRawAsync(connection, queueName, "m1", "{}", ct);

            await sink.StoredOnce.WaitAsync(TimeSpan.FromSeconds(10), ct);
            await stop.CancelAsync();
            await running;

            Assert.Equal(3, sink.Calls);
            await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
            // The consumer is gone, so an unacked message would be back in the queue.
            Assert.Equal(0u, await channel.MessageCountAsync(queueName, ct));
        }
        finally
        {
            await RabbitMQTestBroker.DeleteQueuesAsync(RabbitMQTestBroker.Address, queueName);
        }
    }

    [Fact]
    public async Task RetryLater_WhenStopping_RequeuesMessageAndReturnsPromptly()
    {
        var ct = TestContext.Current.CancellationToken;
        var queueName = RabbitMQTestBroker.UniqueQueue("requeue");
        try
        {
            var sink = new ScriptedSink(retryLaterTimes: int.MaxValue);
            using var stop = new CancellationTokenSource();
            var source = new RabbitMQRecordSource(new RabbitMQConfig { Address = RabbitMQTestBroker.Address, Queue = queueName });
            var running = source.RunAsync(sink, stop.Token);
            await RabbitMQTestBroker.WaitForConsumersAsync(RabbitMQTestBroker.Address, queueName, 1, ct);
            await using var connection = await RabbitMQTestBroker.ConnectAsync(RabbitMQTestBroker.Address, ct);
            await RabbitMQTestBroker.PublishRawAsync(connection, queueName, "m1", "{}", ct);
            while (sink.Calls < 2) await Task.Delay(20, ct);

            var stopping = Stopwatch.StartNew();
            await stop.CancelAsync();
            await running;

            Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(5), $"stopping took {stopping.Elapsed}");
            var messages = await RabbitMQTestBroker.DrainAsync(connection, queueName, ct);
            Assert.Equal("m1", Assert.Single(messages).BasicProperties.MessageId);
            Assert.True(messages[0].Redelivered);
        }
        finally
        {
            await RabbitMQTestBroker.DeleteQueuesAsync(RabbitMQTestBroker.Address, queueName);
        }
    }

    [Fact]
    public async Task StoredWithRejectedRecords_DeadLettersOnlyThemWithTheReason_ThenAcknowledgesOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        var queueName = RabbitMQTestBroker.UniqueQueue("partly");
        try
        {
            var sink = new PartlyStoredSink();
            using var stop = new CancellationTokenSource();
            var source = new RabbitMQRecordSource(new RabbitMQConfig { Address = RabbitMQTestBroker.Address, Queue = queueName });
            var running = source.RunAsync(sink, stop.Token);
            await RabbitMQTestBroker.WaitForConsumersAsync(RabbitMQTestBroker.Address, queueName, 1, ct);
            await using var connection = await RabbitMQTestBroker.ConnectAsync(RabbitMQTestBroker.Address, ct);
            await RabbitMQTestBroker.PublishRawAsync(connection, queueName, "m1", "{}", ct);

            var deadLetters = await DrainUntilAsync(connection, queueName + ".dlq", 1, ct);
            await stop.CancelAsync();
            await running;

            var dead = Assert.Single(deadLetters);
            Assert.Equal(sink.DeadLetter, dead.Body.ToArray());
            Assert.Equal("m1", dead.BasicProperties.MessageId);
            PartlyStoredSink.AssertReasonListsRejected(RabbitMQTestBroker.Header(dead.BasicProperties, "x-scouter-error"));
            Assert.Equal(queueName, RabbitMQTestBroker.Header(dead.BasicProperties, "x-scouter-source-queue"));
            Assert.Equal(1, sink.Calls);
            // The consumer is gone, so an unacked message would be back in the queue; a second dead letter would show too.
            await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
            Assert.Equal(0u, await channel.MessageCountAsync(queueName, ct));
            Assert.Equal(0u, await channel.MessageCountAsync(queueName + ".dlq", ct));
        }
        finally
        {
            await RabbitMQTestBroker.DeleteQueuesAsync(RabbitMQTestBroker.Address, queueName);
        }
    }

    [Fact]
    public async Task DeadLetterPublishFails_MessageIsNotAcknowledged_AndIsDeadLetteredOnceThePublishWorks()
    {
        var ct = TestContext.Current.CancellationToken;
        var queueName = RabbitMQTestBroker.UniqueQueue("dlqfail");
        try
        {
            var sink = new PartlyStoredSink();
            var logs = new LogCapture();
            using var stop = new CancellationTokenSource();
            var source = new RabbitMQRecordSource(new RabbitMQConfig { Address = RabbitMQTestBroker.Address, Queue = queueName }, logs);
            var running = source.RunAsync(sink, stop.Token);
            await RabbitMQTestBroker.WaitForConsumersAsync(RabbitMQTestBroker.Address, queueName, 1, ct);
            await using var connection = await RabbitMQTestBroker.ConnectAsync(RabbitMQTestBroker.Address, ct);
            await using (var admin = await connection.CreateChannelAsync(cancellationToken: ct))
            {
                // A dead-letter queue that refuses every publish (nack).
                await admin.QueueDeleteAsync(queueName + ".dlq", cancellationToken: ct);
                await admin.QueueDeclareAsync(queueName + ".dlq", durable: true, exclusive: false, autoDelete: false,
                    arguments: new Dictionary<string, object?> { ["x-max-length"] = 0, ["x-overflow"] = "reject-publish" }, cancellationToken: ct);
            }
            await RabbitMQTestBroker.PublishRawAsync(connection, queueName, "m1", "{}", ct);
            await logs.WaitForAsync(1311, 2, TimeSpan.FromSeconds(20), ct);

            // Stopping while the publish still fails: the message goes back to the queue, not acknowledged.
            await stop.CancelAsync();
            await running;
            await using (var admin = await connection.CreateChannelAsync(cancellationToken: ct))
            {
                Assert.Equal(1u, await admin.MessageCountAsync(queueName, ct));
                await admin.QueueDeleteAsync(queueName + ".dlq", cancellationToken: ct);
            }

            // Retried later by a consumer whose dead-letter publish works.
            using var stopAgain = new CancellationTokenSource();
            var runningAgain = new RabbitMQRecordSource(new RabbitMQConfig { Address = RabbitMQTestBroker.Address, Queue = queueName }).RunAsync(sink, stopAgain.Token);
            var deadLetters = await DrainUntilAsync(connection, queueName + ".dlq", 1, ct);
            await stopAgain.CancelAsync();
            await runningAgain;

            Assert.Equal(sink.DeadLetter, Assert.Single(deadLetters).Body.ToArray());
            await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
            Assert.Equal(0u, await channel.MessageCountAsync(queueName, ct));
        }
        finally
        {
            await RabbitMQTestBroker.DeleteQueuesAsync(RabbitMQTestBroker.Address, queueName);
        }
    }

    [Fact]
    public async Task BrokerUnreachable_LogsOneWarningPerOutage_AndOneLineWhenBack()
    {
        var ct = TestContext.Current.CancellationToken;
        var queueName = RabbitMQTestBroker.UniqueQueue("outage");
        try
        {
            await using var proxy = new TcpProxy(new Uri(RabbitMQTestBroker.Address).Port);
            var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
            var logs = new LogCapture();
            using var stop = new CancellationTokenSource();
            var source = new RabbitMQRecordSource(new RabbitMQConfig
            {
                Address = string.Create(CultureInfo.InvariantCulture, $"amqp://guest:guest@127.0.0.1:{proxy.Port}/"), Queue = queueName, TimeProvider = time,
            }, logs);
            var running = source.RunAsync(new PartlyStoredSink(), stop.Token);
            // Each failed attempt waits its backoff on the fake clock: advancing it lets the next attempt run.
            await logs.WaitForAsync(1301, 3, TimeSpan.FromSeconds(30), ct, () => time.Advance(TimeSpan.FromSeconds(5)));

            var warning = Assert.Single(logs.WithId(1305));
            Assert.Equal(LogLevel.Warning, warning.Level);
            Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{proxy.Port}"), warning.Message, StringComparison.Ordinal);
            Assert.Contains("since", warning.Message, StringComparison.Ordinal);
            Assert.Null(warning.Exception);
            Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Warning && e.EventId != 1305);

            proxy.Open();
            await logs.WaitForAsync(1306, 1, TimeSpan.FromSeconds(30), ct, () => time.Advance(TimeSpan.FromSeconds(5)));
            await stop.CancelAsync();
            await running;

            var back = Assert.Single(logs.WithId(1306));
            Assert.Equal(LogLevel.Information, back.Level);
            Assert.Contains("after an outage of", back.Message, StringComparison.Ordinal);
            Assert.Single(logs.WithId(1305));
        }
        finally
        {
            await RabbitMQTestBroker.DeleteQueuesAsync(RabbitMQTestBroker.Address, queueName);
        }
    }

    private static async Task<List<BasicGetResult>> DrainUntilAsync(IConnection connection, string queue, int count, CancellationToken ct)
    {
        var messages = new List<BasicGetResult>();
        var deadline = TimeProvider.System.GetUtcNow() + TimeSpan.FromSeconds(20);
        while (messages.Count < count)
        {
            Assert.True(TimeProvider.System.GetUtcNow() < deadline, $"{messages.Count} messages in {queue} after 20 s, expected {count}");
            try
            {
                messages.AddRange(await RabbitMQTestBroker.DrainAsync(connection, queue, ct));
            }
            catch (global::RabbitMQ.Client.Exceptions.OperationInterruptedException)
            {
                // Not declared yet.
            }
            if (messages.Count < count) await Task.Delay(50, ct);
        }
        return messages;
    }

    /// <summary>Answers "retry later" a number of times, then "stored".</summary>
    private sealed class ScriptedSink(int retryLaterTimes) : IRecordBatchSink
    {
        private readonly TaskCompletionSource _stored = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public Task StoredOnce => _stored.Task;

        public Task<RecordSinkResult> IngestAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _calls) <= retryLaterTimes)
                return Task.FromResult(new RecordSinkResult(RecordSinkStatus.RetryLater, 0, "ingest_queue_full: scripted"));
            _stored.TrySetResult();
            return Task.FromResult(new RecordSinkResult(RecordSinkStatus.Stored, 1));
        }
    }
}
