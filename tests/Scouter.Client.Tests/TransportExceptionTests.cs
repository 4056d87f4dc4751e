using Scouter.Client.Transports;
using Xunit;

namespace Scouter.Client.Tests;

public class TransportExceptionTests
{
    [Fact]
    public void TransportException_CarriesRetryDecisionAndDelay()
    {
        var ex = new TransportException("busy", retryable: true, TimeSpan.FromSeconds(3));
        Assert.True(ex.Retryable);
        Assert.Equal(TimeSpan.FromSeconds(3), ex.RetryAfter);
        Assert.False(new TransportException("invalid", retryable: false).Retryable);
    }
}
