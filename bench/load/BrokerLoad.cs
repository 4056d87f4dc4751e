using System.Diagnostics;
using System.Globalization;
using Scouter.Client.Transports;
using Scouter.Kafka;
using Scouter.RabbitMQ;
using Scouter.Redis;
using Scouter.Testing;

namespace Scouter.Load;

/// <summary>
/// N senders publish batches through a broker transport for a fixed time; the server process consumes
/// the topic / queue / stream into its database. The figure is end to end: records published divided
/// by the time from the first publish until the server's <c>scouter_ingest_records_total</c> counter
/// shows every one of them stored.
/// </summary>
internal static class BrokerLoad
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromMinutes(5);

    public static async Task<int> RunAsync(LoadSettings settings)
    {
        // A fresh destination per run, so that no backlog of an earlier run is counted.
        var name = "scouter_load_" + Guid.NewGuid().ToString("N")[..8];
        using var mockCluster = settings.Transport == "kafka" && settings.BrokerAddress is null ? new KafkaMockCluster() : null;
        mockCluster?.CreateTopics(name, name + ".dlq");
        var address = settings.BrokerAddress ?? settings.Transport switch
        {
            "kafka" => mockCluster!.BootstrapServers,
            "rabbitmq" => "amqp://guest:guest@127.0.0.1:55672/",
            _ => "127.0.0.1:56379",
        };
        var environment = settings.Transport switch
        {
            "kafka" => new Dictionary<string, string> { ["KAFKA_BROKERS"] = address, ["KAFKA_TOPIC"] = name, ["KAFKA_GROUP_ID"] = name },
            "rabbitmq" => new Dictionary<string, string> { ["RABBITMQ_ADDR"] = address, ["RABBITMQ_QUEUE"] = name },
            _ => new Dictionary<string, string> { ["REDIS_ADDR"] = address, ["REDIS_STREAM"] = name },
        };
        await using var server = await ServerProcess.StartAsync(settings, environment);
        using var http = new HttpClient { BaseAddress = new Uri(server.Url), Timeout = TimeSpan.FromSeconds(30) };
        var setup = await Setup.RunAsync(http, settings);
        await using IRecordTransport transport = settings.Transport switch
        {
            "kafka" => new KafkaTransport(new KafkaConfig { Brokers = address, Topic = name }),
            "rabbitmq" => new RabbitMQTransport(new RabbitMQConfig { Address = address, Queue = name }),
            _ => new RedisTransport(new RedisConfig { Address = address, Stream = name }),
        };
        var shown = mockCluster is not null ? "librdkafka mock cluster"
            : Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0 ? $"{uri.Scheme}://{uri.Authority}" : address;
        Console.WriteLine($"load: {settings.Transport} ({shown}), {settings.Senders} senders × {settings.Seconds} s, "
            + $"{settings.RecordsPerBatch} PSI records per batch, {settings.Features} features, server {server.Url} ({(settings.DatabaseUri is null ? "sqlite" : "postgres")})");

        var storedBefore = await StoredRecordsAsync(http);
        long published = 0, batches = 0, failures = 0;
        var clock = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(settings.Seconds);
        await Task.WhenAll(Enumerable.Range(0, settings.Senders).Select(sender => Task.Run(async () =>
        {
            var random = new Random(sender);
            while (clock.Elapsed < deadline)
            {
                var batch = setup.NextBatch(random);
                try
                {
                    await transport.SendAsync(batch, CancellationToken.None);
                    Interlocked.Add(ref published, batch.Records.Count);
                    Interlocked.Increment(ref batches);
                }
                catch (TransportException ex)
                {
                    if (Interlocked.Increment(ref failures) <= 3) Console.Error.WriteLine($"load: publish failed: {ex.Message}");
                    await Task.Delay(100);
                }
            }
        })));
        var publishSeconds = clock.Elapsed.TotalSeconds;

        long stored;
        while ((stored = await StoredRecordsAsync(http) - storedBefore) < published && clock.Elapsed < deadline + DrainTimeout) await Task.Delay(100);
        var storedSeconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"load: published {published:N0} records in {batches:N0} batches over {publishSeconds:F1} s ({published / publishSeconds:N0} records/s); "
            + $"stored {stored:N0} after {storedSeconds:F1} s = {stored / storedSeconds:N0} records/s end to end; publish failures {failures}"));
        return failures == 0 && stored == published ? 0 : 1;
    }

    /// <summary>The server's stored-records counter from <c>/metrics</c> (Prometheus text).</summary>
    private static async Task<long> StoredRecordsAsync(HttpClient http)
    {
        var text = await http.GetStringAsync("/metrics");
        long total = 0;
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith("scouter_ingest_records_total", StringComparison.Ordinal)) continue;
            total += (long)double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
        }
        return total;
    }
}
