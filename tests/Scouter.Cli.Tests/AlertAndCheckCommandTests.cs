using Scouter.Records;
using Xunit;

namespace Scouter.Cli.Tests;

public sealed class AlertAndCheckCommandTests(OperatorServer server) : IClassFixture<OperatorServer>
{
    [Fact]
    public async Task CheckRun_OnDriftedData_OpensAlert_ThatAlertsListShows_AndAckAcknowledges()
    {
        using var session = server.AdminSession();
        var space = OperatorServer.UniqueSpace();
        // Mean 5 against baseline 1 + 0.5: drifted.
        var uid = await server.RegisterAsync(OperatorServer.Mae(space, "pricing"), uid =>
            [new CustomRecord { Uid = uid, CreatedAt = TimeProvider.System.GetUtcNow().AddMinutes(-1), Metric = "mae", Sum = 50, Count = 10 }]);

        var check = await session.JsonAsync("check", "run", "--uid", uid.ToString());
        Assert.Equal(1, check.GetProperty("alerts_opened").GetInt32());
        Assert.Equal("manual", check.GetProperty("trigger").GetString());

        var firing = await session.JsonAsync("alerts", "list", "--profile", uid.ToString(), "--status", "firing");
        Assert.Equal(1, firing.GetProperty("total").GetInt64());
        var alert = Assert.Single(firing.GetProperty("items").EnumerateArray());
        Assert.Equal("mae", alert.GetProperty("feature_or_metric").GetString());
        Assert.Equal(space, alert.GetProperty("space").GetString());
        var id = alert.GetProperty("id").GetInt64();

        var table = await session.RunAsync("alerts", "list", "--space", space);
        Assert.True(table.ExitCode == 0, table.Error);
        Assert.Contains("mae", table.Out);
        Assert.True(table.Out.Contains($"{space}/pricing/1.0.0", StringComparison.Ordinal), table.Out);

        var acknowledged = await session.JsonAsync("alerts", "ack", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("acknowledged", acknowledged.GetProperty("status").GetString());
        Assert.Equal("admin", acknowledged.GetProperty("acknowledged_by").GetString());

        var listed = await session.JsonAsync("alerts", "list", "--space", space, "--status", "acknowledged");
        Assert.Equal(id, Assert.Single(listed.GetProperty("items").EnumerateArray()).GetProperty("id").GetInt64());
        Assert.Equal(0, (await session.JsonAsync("alerts", "list", "--space", space, "--status", "firing")).GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task CheckRun_Text_SaysHowManyAlertsOpened()
    {
        using var session = server.AdminSession();
        var uid = await server.RegisterAsync(OperatorServer.Mae(OperatorServer.UniqueSpace()), uid =>
            [new CustomRecord { Uid = uid, CreatedAt = TimeProvider.System.GetUtcNow().AddMinutes(-1), Metric = "mae", Sum = 11, Count = 10 }]);

        var result = await session.RunAsync("check", "run", "--uid", uid.ToString());

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("0 alert(s) opened", result.Out);
    }

    [Fact]
    public async Task Ack_UnknownAlert_Exit3WithAlertNotFound()
    {
        using var session = server.AdminSession();

        var result = await session.RunAsync("alerts", "ack", "987654321");

        result.AssertFailed(3, "404", "alert_not_found");
    }

    [Theory]
    [InlineData("--status", "open")]
    [InlineData("--profile", "notaguid")]
    [InlineData("--limit", "0")]
    [InlineData("--page", "-1")]
    public async Task List_BadOption_Exit2OneLineNamingIt(string option, string value)
    {
        using var session = server.AdminSession();

        var result = await session.RunAsync("alerts", "list", option, value);

        result.AssertFailed(2, option, value);
    }
}
