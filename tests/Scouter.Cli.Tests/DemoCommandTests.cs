using System.Text.RegularExpressions;
using Xunit;

namespace Scouter.Cli.Tests;

/// <summary><c>scouter demo</c> end to end: embedded server, queue over HTTP, drift checks, in-process.</summary>
public sealed partial class DemoCommandTests
{
    [Fact]
    public async Task Demo_StoresEveryInsert_AndFindsDrift()
    {
        var result = await CliRunner.RunAsync("demo", "--inferences", "5000");

        Assert.True(result.ExitCode == 0, result.Error + result.Out);
        foreach (var alias in new[] { "psi", "spc", "custom" })
            Assert.Contains($"{alias}: inserted 5000 == stored 5000", result.Out, StringComparison.Ordinal);
        // One LLM record per 100 inferences: 50, judged by the scripted judge (credit_live.csv rows 0, 100, ..., 2400:
        // 17 approvals scored 5 and 8 refusals scored 4; the 25 drifted answers score 2 and fail the assertion).
        Assert.Contains("llm: inserted 50 == stored 50", result.Out, StringComparison.Ordinal);
        Assert.Contains("Queue: inserted 15050, aggregated 15050", result.Out, StringComparison.Ordinal);
        Assert.Contains("LLM judge: scripted judge, not a model", result.Out, StringComparison.Ordinal);
        Assert.Contains("LLM records judged: 50 done, 0 failed, 0 pending", result.Out, StringComparison.Ordinal);
        Assert.Matches(@"helpfulness\s*│\s*50\s*│\s*3\.34\s*│\s*4\s*│[^│]*│\s*ALERT", result.Out);
        Assert.Matches(@"states_decision\s*│\s*50\s*│\s*0\.5\s*│\s*1\s*│[^│]*│\s*ALERT", result.Out);

        var drifted = DriftedLine().Match(result.Out);
        Assert.True(drifted.Success, result.Out);
        Assert.NotEqual("none", drifted.Groups[1].Value.Trim());
        Assert.Contains("approval_rate", result.Out, StringComparison.Ordinal);
        Assert.Matches(@"Server: http://127\.0\.0\.1:\d+", result.Out);
        // SPC: the in-distribution half alone opens no alert; with the drifted half every monitored feature alerts.
        Assert.Contains("SPC check of the in-distribution half alone: 0 of 4 features alert", result.Out, StringComparison.Ordinal);
        Assert.Equal(4, SpcAlertRow().Count(result.Out));
    }

    [Theory]
    [InlineData("kafka", null)]
    [InlineData("rabbitmq", "SCOUTER_TEST_RABBITMQ")]
    [InlineData("redis", "SCOUTER_TEST_REDIS")]
    public async Task Demo_OverABroker_StoresEveryInsert_AndFindsDrift(string transport, string? brokerVariable)
    {
        // Kafka runs on librdkafka's in-process mock cluster; RabbitMQ and Redis are the local test
        // servers of scripts/services.sh.
        string[] broker = brokerVariable switch
        {
            null => [],
            "SCOUTER_TEST_RABBITMQ" => ["--broker", Environment.GetEnvironmentVariable(brokerVariable) ?? "amqp://guest:guest@127.0.0.1:55672/"],
            _ => ["--broker", Environment.GetEnvironmentVariable(brokerVariable) ?? "127.0.0.1:56379"],
        };

        var result = await CliRunner.RunAsync(["demo", "--transport", transport, "--inferences", "3000", .. broker]);

        Assert.True(result.ExitCode == 0, result.Error + result.Out);
        foreach (var alias in new[] { "psi", "spc", "custom" })
            Assert.Contains($"{alias}: inserted 3000 == stored 3000", result.Out, StringComparison.Ordinal);
        Assert.NotEqual("none", DriftedLine().Match(result.Out).Groups[1].Value.Trim());
    }

    [Fact]
    public async Task Demo_RejectsUnknownTransport()
    {
        var result = await CliRunner.RunAsync("demo", "--transport", "zeromq");

        Assert.Equal(CliApp.BadInput, result.ExitCode);
        Assert.Single(result.ErrorLines);
    }

    [GeneratedRegex(@"│ \w+\s*│ \d+\s*│ alert\s*│")]
    private static partial Regex SpcAlertRow();

    [GeneratedRegex(@"Drifted PSI features: (.+)")]
    private static partial Regex DriftedLine();
}
