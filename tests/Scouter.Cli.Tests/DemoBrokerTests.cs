using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Scouter.Cli.Demo;
using Xunit;

namespace Scouter.Cli.Tests;

/// <summary><c>scouter demo --transport rabbitmq|redis</c>: default addresses and a broker that is not there.</summary>
public sealed class DemoBrokerTests
{
    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [Theory]
    [InlineData("redis", "127.0.0.1:{0}", "Redis")]
    [InlineData("rabbitmq", "amqp://guest:secret-pw@127.0.0.1:{0}/", "RabbitMQ")]
    public async Task Demo_AgainstAClosedPort_ExitsWithOneLineNamingTheAddressAndServicesScript(string transport, string addressFormat, string label)
    {
        var port = ClosedPort();
        var watch = Stopwatch.StartNew();

        var result = await CliRunner.RunAsync("demo", "--transport", transport, "--broker", string.Format(null, addressFormat, port), "--inferences", "100");

        watch.Stop();
        Assert.Equal(CliApp.BadInput, result.ExitCode);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"took {watch.Elapsed}");
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith($"error: cannot reach {label} at 127.0.0.1:{port} ", line, StringComparison.Ordinal);
        Assert.Contains("scripts/services.sh", line, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-pw", line, StringComparison.Ordinal);
        Assert.Empty(result.Out);
    }

    [Fact]
    public void Create_WithoutBrokerOrVariables_UsesTheLocalServicesAddresses()
    {
        using var redis = DemoTransport.Create("redis", null, _ => null);
        using var rabbit = DemoTransport.Create("rabbitmq", null, _ => null);

        Assert.Equal("127.0.0.1:56379", redis.Address);
        Assert.Equal("amqp://guest:guest@127.0.0.1:55672/", rabbit.Address);
    }

    [Fact]
    public void Create_HonoursTheServicesPortVariables_AndTheAddressVariablesWin()
    {
        var ports = new Dictionary<string, string> { ["SCOUTER_TEST_REDIS_PORT"] = "7001", ["SCOUTER_TEST_RABBITMQ_PORT"] = "7002" };
        using var redis = DemoTransport.Create("redis", null, ports.GetValueOrDefault);
        using var rabbit = DemoTransport.Create("rabbitmq", null, ports.GetValueOrDefault);
        using var explicitRedis = DemoTransport.Create("redis", null, new Dictionary<string, string> { ["REDIS_ADDR"] = "redis.internal:6380" }.GetValueOrDefault);
        using var flag = DemoTransport.Create("redis", "cache:1", new Dictionary<string, string> { ["REDIS_ADDR"] = "redis.internal:6380" }.GetValueOrDefault);

        Assert.Equal("127.0.0.1:7001", redis.Address);
        Assert.Equal("amqp://guest:guest@127.0.0.1:7002/", rabbit.Address);
        Assert.Equal("redis.internal:6380", explicitRedis.Address);
        Assert.Equal("cache:1", flag.Address);
    }

    [Theory]
    [InlineData("redis", "127.0.0.1:56379", "127.0.0.1", 56379)]
    [InlineData("redis", "cache.local", "cache.local", 6379)]
    [InlineData("redis", "redis://:pw@cache.local:6390/2", "cache.local", 6390)]
    [InlineData("redis", "cache.local:6391,password=pw,ssl=false", "cache.local", 6391)]
    [InlineData("redis", "[::1]:6392", "::1", 6392)]
    [InlineData("rabbitmq", "amqp://guest:guest@mq.local/", "mq.local", 5672)]
    [InlineData("rabbitmq", "amqps://u:p@mq.local/vhost", "mq.local", 5671)]
    [InlineData("kafka", "k1:9093,k2", "k1", 9093)]
    public void Endpoints_ReadHostAndPortOfEachAddressForm(string kind, string address, string host, int port)
    {
        var first = BrokerProbe.Endpoints(kind, address)[0];

        Assert.Equal((host, port), first);
    }
}
