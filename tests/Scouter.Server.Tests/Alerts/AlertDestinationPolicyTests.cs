using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Scouter.Server.Alerts;
using Xunit;

namespace Scouter.Server.Tests.Alerts;

public class AlertDestinationPolicyTests
{
    private static readonly AlertDestinationPolicy Default = new(null);

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.255.254")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("100.64.0.1")]
    [InlineData("100.127.255.255")]
    [InlineData("169.254.169.254")]
    [InlineData("169.254.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("0.1.2.3")]
    [InlineData("192.0.0.170")]
    [InlineData("198.18.0.1")]
    [InlineData("224.0.0.1")]
    [InlineData("239.255.255.250")]
    [InlineData("240.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("::127.0.0.1")]
    [InlineData("fe80::1")]
    [InlineData("febf::1")]
    [InlineData("fc00::1")]
    [InlineData("fd00:ec2::254")]
    [InlineData("fec0::1")]
    [InlineData("ff02::1")]
    [InlineData("100::1")]
    [InlineData("64:ff9b:1::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("64:ff9b::a9fe:a9fe")] // NAT64 of 169.254.169.254
    public void NonPublicAddresses_AreRefused(string address) => Assert.False(Default.IsAllowed(IPAddress.Parse(address)));

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("1.1.1.1")]
    [InlineData("9.255.255.255")]
    [InlineData("11.0.0.1")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.1")]
    [InlineData("126.255.255.255")]
    [InlineData("128.0.0.1")]
    [InlineData("169.253.255.255")]
    [InlineData("169.255.0.1")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.1")]
    [InlineData("192.167.255.255")]
    [InlineData("192.169.0.1")]
    [InlineData("223.255.255.255")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("2001:4860:4860::8888")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::808:808")] // NAT64 of 8.8.8.8
    public void PublicAddresses_AreAllowed(string address) => Assert.True(Default.IsAllowed(IPAddress.Parse(address)));

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData("127.0.0.1", "::ffff:127.0.0.1")]
    [InlineData("127.0.0.0/8", "127.9.9.9")]
    [InlineData("10.0.0.0/8, 192.168.0.0/16", "192.168.4.5")]
    [InlineData(" 10.0.0.0/8 ,,", "10.200.0.1")]
    [InlineData("fd00::/8", "fd12::1")]
    [InlineData("::1", "::1")]
    public void AllowedAddressesAndNetworks_AreAllowed(string allowed, string address) =>
        Assert.True(new AlertDestinationPolicy(allowed).IsAllowed(IPAddress.Parse(address)));

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.2")]
    [InlineData("127.0.0.1", "169.254.169.254")]
    [InlineData("10.0.0.0/8", "192.168.0.1")]
    [InlineData("10.0.0.0/8", "127.0.0.1")]
    [InlineData("fd00::/8", "fc00::1")]
    [InlineData("hooks.internal", "10.0.0.1")]
    public void OnlyWhatIsListed_IsAllowed(string allowed, string address) =>
        Assert.False(new AlertDestinationPolicy(allowed).IsAllowed(IPAddress.Parse(address)));

    [Fact]
    public void HostNames_AreMatchedWithoutCaseOrTrailingDot()
    {
        var policy = new AlertDestinationPolicy("hooks.internal,localhost");
        Assert.True(policy.IsHostAllowed("HOOKS.internal."));
        Assert.True(policy.IsHostAllowed("localhost"));
        Assert.False(policy.IsHostAllowed("other.internal"));
        Assert.False(policy.IsHostAllowed("hooks.internal.example.com"));
        Assert.False(Default.IsHostAllowed("localhost"));
    }

    [Theory]
    [InlineData("10.0.0.1/8")]
    [InlineData("10.0.0.0/33")]
    [InlineData("http://hooks.internal")]
    [InlineData("hooks internal")]
    [InlineData("*")]
    public void InvalidEntries_AreRefusedNamingTheSetting(string allowed)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => new AlertDestinationPolicy(allowed));
        Assert.Contains("SCOUTER_ALERT_ALLOWED_HOSTS", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"'{allowed}'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SLACK_API_URL", "file:///etc/passwd")]
    [InlineData("SLACK_API_URL", "ftp://slack.example/api")]
    [InlineData("OPSGENIE_API_URL", "/v2/alerts")]
    [InlineData("OPSGENIE_API_URL", "gopher://127.0.0.1:6379/_FLUSHALL")]
    public void AlertApiUrls_MustBeAbsoluteHttp_OrTheServerDoesNotStart(string setting, string value)
    {
        var options = ServerOptions.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection([new(setting, value)]).Build());

        var ex = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddScouterJobs(options));

        Assert.Equal($"Setting {setting}='{value}' must be an absolute http or https URL.", ex.Message);
    }

    [Fact]
    public void AllowedHosts_AreReadFromTheEnvironmentSetting()
    {
        var options = ServerOptions.FromConfiguration(new ConfigurationBuilder()
            .AddInMemoryCollection([new("SCOUTER_ALERT_ALLOWED_HOSTS", "10.0.0.0/8,hooks.internal")]).Build());

        Assert.Equal("10.0.0.0/8,hooks.internal", options.AlertAllowedHosts);
        Assert.True(AlertDestinationPolicy.FromOptions(options).IsAllowed(IPAddress.Parse("10.1.1.1")));
    }
}
