using System.Net;
using Scouter.Redis;
using Xunit;

namespace Scouter.IntegrationTests.Redis;

public sealed class RedisConfigTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void Resolve_NothingSet_UsesDocumentedDefaults()
    {
        var settings = new RedisConfig().Resolve(NoEnvironment);

        Assert.Equal(new DnsEndPoint("localhost", 6379), Assert.Single(settings.Options.EndPoints));
        Assert.Equal("scouter_monitoring", settings.Stream);
        Assert.Equal("scouter_monitoring:dlq", settings.DeadLetterStream);
        Assert.Equal(1_000_000, settings.MaxLength);
        Assert.Equal("scouter", settings.Group);
        Assert.Equal(64, settings.ReadCount);
        Assert.Equal(TimeSpan.FromSeconds(60), settings.ClaimMinIdle);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.ClaimInterval);
        Assert.False(settings.Options.AbortOnConnectFail);
        Assert.Equal(10_000, settings.Options.AsyncTimeout);
        Assert.Contains($"-{System.Environment.ProcessId}-", settings.ConsumerName, StringComparison.Ordinal);
        Assert.NotEqual(settings.ConsumerName, new RedisConfig().Resolve(NoEnvironment).ConsumerName);
    }

    [Fact]
    public void Resolve_UnsetFields_ComeFromEnvironment()
    {
        var settings = new RedisConfig().Resolve(Environment(("REDIS_ADDR", "cache.internal:7000"), ("REDIS_STREAM", "events")));

        Assert.Equal(new DnsEndPoint("cache.internal", 7000), Assert.Single(settings.Options.EndPoints));
        Assert.Equal("events", settings.Stream);
    }

    [Fact]
    public void Resolve_ExplicitFields_WinOverEnvironment()
    {
        var config = new RedisConfig { Address = "10.0.0.5:6380", Stream = "mine", ConsumerName = "replica-a" };

        var settings = config.Resolve(Environment(("REDIS_ADDR", "cache.internal:7000"), ("REDIS_STREAM", "events")));

        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.0.0.5"), 6380), Assert.Single(settings.Options.EndPoints));
        Assert.Equal("mine", settings.Stream);
        Assert.Equal("replica-a", settings.ConsumerName);
    }

    [Fact]
    public void Resolve_RedisUri_SetsUserPasswordDatabaseAndTls()
    {
        var settings = new RedisConfig { Address = "rediss://app:s3cr%40t@cache.internal:6390/2" }.Resolve(NoEnvironment);

        Assert.Equal(new DnsEndPoint("cache.internal", 6390), Assert.Single(settings.Options.EndPoints));
        Assert.Equal("app", settings.Options.User);
        Assert.Equal("s3cr@t", settings.Options.Password);
        Assert.Equal(2, settings.Options.DefaultDatabase);
        Assert.True(settings.Options.Ssl);
        Assert.DoesNotContain("s3cr", settings.RedactedAddress, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_ConfigurationString_KeepsItsOptionsAndRedactsThePassword()
    {
        var settings = new RedisConfig { Address = "cache.internal:6379,password=hunter2,ssl=true" }.Resolve(NoEnvironment);

        Assert.Equal("hunter2", settings.Options.Password);
        Assert.True(settings.Options.Ssl);
        Assert.Equal("cache.internal:6379,password=***,ssl=true", settings.RedactedAddress);
    }

    [Theory]
    [InlineData("ReadCount", "0")]
    [InlineData("MaxInFlight", "-1")]
    [InlineData("MaxMessageBytes", "0")]
    [InlineData("MaxLength", "0")]
    [InlineData("ClaimMinIdle", "00:00:00")]
    [InlineData("PollInterval", "-00:00:01")]
    [InlineData("SendTimeout", "00:00:00")]
    [InlineData("Stream", "' '")]
    [InlineData("Group", "''")]
    [InlineData("Address", "nonsense=1")]
    public void Resolve_InvalidSetting_ThrowsNamingSettingAndValue(string setting, string shownValue)
    {
        var config = new RedisConfig();
        switch (setting)
        {
            case "ReadCount": config.ReadCount = 0; break;
            case "MaxInFlight": config.MaxInFlight = -1; break;
            case "MaxMessageBytes": config.MaxMessageBytes = 0; break;
            case "MaxLength": config.MaxLength = 0; break;
            case "ClaimMinIdle": config.ClaimMinIdle = TimeSpan.Zero; break;
            case "PollInterval": config.PollInterval = TimeSpan.FromSeconds(-1); break;
            case "SendTimeout": config.SendTimeout = TimeSpan.Zero; break;
            case "Stream": config.Stream = " "; break;
            case "Group": config.Group = ""; break;
            case "Address": config.Address = "localhost:6379,nonsense=1"; break;
            default: throw new ArgumentOutOfRangeException(nameof(setting), setting, null);
        }

        var ex = Assert.Throws<ArgumentException>(() => config.Resolve(NoEnvironment));

        Assert.Equal(setting, ex.ParamName);
        Assert.StartsWith(setting, ex.Message, StringComparison.Ordinal);
        Assert.Contains(shownValue, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_UnsupportedScheme_ThrowsNamingTheAddress()
    {
        var ex = Assert.Throws<ArgumentException>(() => new RedisConfig { Address = "http://cache.internal:6379" }.Resolve(NoEnvironment));

        Assert.Equal("Address", ex.ParamName);
        Assert.Contains("'http://cache.internal:6379'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://admin:hunter2@cache.internal:6379")]
    [InlineData("redis://:hunter2@cache.internal:6379/not-a-number")]
    [InlineData("redis://:hunter2@")]
    [InlineData("cache.internal:6379,password=hunter2,nonsense=1")]
    [InlineData("cache.internal:6379,nonsense=1,Password=hunter2")]
    public void Resolve_InvalidAddress_NeverShowsThePassword(string address)
    {
        var ex = Assert.Throws<ArgumentException>(() => new RedisConfig { Address = address }.Resolve(NoEnvironment));

        Assert.Equal("Address", ex.ParamName);
        Assert.DoesNotContain("hunter2", ex.ToString(), StringComparison.Ordinal);
    }
}
