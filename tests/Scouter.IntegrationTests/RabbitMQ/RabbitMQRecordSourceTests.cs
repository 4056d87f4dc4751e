using System.Diagnostics;
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
