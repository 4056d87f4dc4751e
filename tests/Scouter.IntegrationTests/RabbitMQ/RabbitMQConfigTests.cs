using Scouter.RabbitMQ;
using Xunit;

namespace Scouter.IntegrationTests.RabbitMQ;

/// <summary>Defaults, environment variables and validation of <see cref="RabbitMQConfig"/> (no broker needed).</summary>
public sealed class RabbitMQConfigTests
{
    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void Resolve_NothingSet_UsesDocumentedDefaults()
    {
        var resolved = new RabbitMQConfig().Resolve(Environment());

        Assert.Equal(new Uri("amqp://guest:guest@localhost:5672/"), resolved.Address);
        Assert.Equal("scouter_monitoring", resolved.Queue);
        Assert.Equal("scouter_monitoring.dlq", resolved.DeadLetterQueue);
        Assert.Equal(64, resolved.Prefetch);
        Assert.Equal(16, resolved.ConsumerConcurrency);
        Assert.Equal(TimeSpan.FromSeconds(30), resolved.SendTimeout);
        Assert.Same(TimeProvider.System, resolved.Time);
    }

    [Fact]
    public void Resolve_EnvironmentSet_FillsUnsetFields()
    {
        var resolved = new RabbitMQConfig().Resolve(Environment(("RABBITMQ_ADDR", "amqp://u:p@broker:5673/vh"), ("RABBITMQ_QUEUE", "from_env")));

        Assert.Equal(new Uri("amqp://u:p@broker:5673/vh"), resolved.Address);
        Assert.Equal("from_env", resolved.Queue);
    }

    [Fact]
    public void Resolve_ExplicitFields_WinOverEnvironment()
    {
        var config = new RabbitMQConfig { Address = "amqps://app:pw@explicit:5671/", Queue = "explicit_queue" };

        var resolved = config.Resolve(Environment(("RABBITMQ_ADDR", "amqp://u:p@broker:5673/"), ("RABBITMQ_QUEUE", "from_env")));

        Assert.Equal(new Uri("amqps://app:pw@explicit:5671/"), resolved.Address);
        Assert.Equal("explicit_queue", resolved.Queue);
    }

    [Fact]
    public void DisplayAddress_HidesCredentials()
    {
        var resolved = new RabbitMQConfig { Address = "amqp://app:s3cret-pw@broker:5673/vh" }.Resolve(Environment());

        Assert.Equal("amqp://broker:5673/vh", resolved.DisplayAddress);
    }

    [Theory]
    [InlineData("not a uri")]
    [InlineData("http://app:s3cret-pw@broker:5672/")]
    [InlineData("amqp//app:s3cret-pw@broker:5672/")]
    [InlineData("amqp://app:s3cret-pw@:5672/")]
    public void Resolve_BadAddress_ThrowsNamingFieldWithoutPassword(string address)
    {
        var ex = Assert.Throws<ArgumentException>(() => new RabbitMQConfig { Address = address }.Resolve(Environment()));

        Assert.Equal("Address", ex.ParamName);
        Assert.Contains("RabbitMQConfig.Address", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_BadAddressFromEnvironment_ThrowsWithoutPassword()
    {
        var ex = Assert.Throws<ArgumentException>(() => new RabbitMQConfig().Resolve(Environment(("RABBITMQ_ADDR", "ftp://app:s3cret-pw@broker/"))));

        Assert.Contains("ftp://app:***@broker/", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(" ", "must not be empty")]
    [InlineData("amq.private", "reserves")]
    public void Resolve_BadQueue_ThrowsNamingField(string queue, string problem)
    {
        var ex = Assert.Throws<ArgumentException>(() => new RabbitMQConfig { Queue = queue }.Resolve(Environment()));

        Assert.Equal("Queue", ex.ParamName);
        Assert.Contains($"RabbitMQConfig.Queue '{queue}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_QueueTooLongForDeadLetterSuffix_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => new RabbitMQConfig { Queue = new string('q', 252) }.Resolve(Environment()));

        Assert.Equal("Queue", ex.ParamName);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65_536)]
    public void Resolve_PrefetchOutOfRange_ThrowsNamingFieldAndValue(int prefetch)
    {
        var ex = Assert.Throws<ArgumentException>(() => new RabbitMQConfig { Prefetch = prefetch }.Resolve(Environment()));

        Assert.Equal("Prefetch", ex.ParamName);
        Assert.Contains($"RabbitMQConfig.Prefetch '{prefetch}'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(RabbitMQConfig.MaxMessageBytesLimit + 1)]
    public void Resolve_MaxMessageBytesOutOfRange_ThrowsNamingFieldAndValue(int maxBytes)
    {
        var ex = Assert.Throws<ArgumentException>(() => new RabbitMQConfig { MaxMessageBytes = maxBytes }.Resolve(Environment()));

        Assert.Equal("MaxMessageBytes", ex.ParamName);
        Assert.Contains($"RabbitMQConfig.MaxMessageBytes '{maxBytes}'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_ConcurrencyAbovePrefetch_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => new RabbitMQConfig { Prefetch = 8, ConsumerConcurrency = 9 }.Resolve(Environment()));

        Assert.Equal("ConsumerConcurrency", ex.ParamName);
        Assert.Contains("Prefetch (8)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_NonPositiveSendTimeout_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => new RabbitMQConfig { SendTimeout = TimeSpan.Zero }.Resolve(Environment()));

        Assert.Equal("SendTimeout", ex.ParamName);
    }

    [Fact]
    public void Transport_InvalidConfig_ThrowsWhenBuilt()
    {
        Assert.Throws<ArgumentException>(() => new RabbitMQTransport(new RabbitMQConfig { Queue = "", Address = "amqp://localhost/" }));
    }
}
