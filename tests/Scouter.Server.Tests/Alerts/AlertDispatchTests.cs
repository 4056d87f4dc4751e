using System.Security.Cryptography;
using System.Text;
using Scouter.Server.Alerts;
using Scouter.Server.Storage;
using Scouter.Server.Tests.Fixtures;
using Xunit;

namespace Scouter.Server.Tests.Alerts;

public class AlertDispatchTests
{
    private const string Secret = "webhook-secret";

    private static async Task<(JobsHarness H, RecordingHttpServer Http)> StartAsync(bool configured = true)
    {
        var http = await RecordingHttpServer.StartAsync();
        var h = await JobsHarness.CreateAsync(SqlDialect.Sqlite, o =>
        {
            o.SlackApiUrl = http.Url + "/slack/api";
            o.SlackAppToken = configured ? "xoxb-test" : null;
            o.OpsGenieApiUrl = http.Url + "/v2/alerts";
            o.OpsGenieApiKey = configured ? "genie-key" : null;
            o.WebhookSecret = configured ? Secret : null;
        });
        return (h, http);
    }

    private static async Task<Guid> FiringAlertAsync(JobsHarness h, IReadOnlyList<DispatchConfig> dispatch)
    {
        var uid = await Seed.ProfileAsync(h.Database, Seed.Custom("credit", dispatch: dispatch, baseline: 10), Seed.T0);
        await Seed.CustomAsync(h.Database, uid, "accuracy", Seed.T0.AddSeconds(-1), 5, 1);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        await h.Runner().RunDueAsync();
        return uid;
    }

    private static async Task<AlertRow> SingleAlertAsync(JobsHarness h, Guid uid) =>
        Assert.Single((await h.Alerts.ListAsync(new AlertQuery(uid, null, null, null, null, 1, 10))).Items);

    [Fact]
    public async Task Fire_And_Resolve_SendExactRequests_ToSlackOpsGenieAndWebhook()
    {
        var (h, http) = await StartAsync();
        await using var _ = h;
        await using var __ = http;
        var uid = await FiringAlertAsync(h, [
            new SlackDispatchConfig { Channel = "#ml-alerts" },
            new OpsGenieDispatchConfig { Team = "ml-team", Priority = "P2", Tags = ["drift", "credit"] },
            new WebhookDispatchConfig { Url = http.Url + "/hooks/scouter" },
        ]);
        var alert = await SingleAlertAsync(h, uid);

        Assert.Equal(1, await h.Dispatcher().DispatchDueAsync());

        var requests = http.Requests.ToArray();
        Assert.Equal(3, requests.Length);
        var slack = requests[0];
        Assert.Equal(("POST", "/slack/api/chat.postMessage"), (slack.Method, slack.Path));
        Assert.Equal("Bearer xoxb-test", slack.Headers["Authorization"]);
        Assert.StartsWith("application/json", slack.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Equal("#ml-alerts", slack.Json.GetProperty("channel").GetString());
        Assert.Contains("accuracy", slack.Json.GetProperty("text").GetString(), StringComparison.Ordinal);
        var blocks = slack.Json.GetProperty("blocks");
        Assert.Equal("header", blocks[0].GetProperty("type").GetString());
        Assert.Equal("plain_text", blocks[0].GetProperty("text").GetProperty("type").GetString());
        Assert.Equal("section", blocks[1].GetProperty("type").GetString());
        Assert.Contains(blocks[1].GetProperty("fields").EnumerateArray(), f => f.GetProperty("text").GetString() == "*Space*\nteam");

        var genie = requests[1];
        var alias = "scouter-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{uid:D}|accuracy|custom|0")))[..40];
        Assert.Equal(("POST", "/v2/alerts", ""), (genie.Method, genie.Path, genie.Query));
        Assert.Equal("GenieKey genie-key", genie.Headers["Authorization"]);
        Assert.Equal(alias, genie.Json.GetProperty("alias").GetString());
        Assert.Equal("P2", genie.Json.GetProperty("priority").GetString());
        Assert.Equal(["drift", "credit"], genie.Json.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        var responder = Assert.Single(genie.Json.GetProperty("responders").EnumerateArray());
        Assert.Equal(("ml-team", "team"), (responder.GetProperty("name").GetString(), responder.GetProperty("type").GetString()));
        Assert.False(string.IsNullOrEmpty(genie.Json.GetProperty("message").GetString()));
        Assert.False(string.IsNullOrEmpty(genie.Json.GetProperty("description").GetString()));

        var hook = requests[2];
        Assert.Equal(("POST", "/hooks/scouter"), (hook.Method, hook.Path));
        var expectedSignature = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), hook.Body));
        Assert.Equal(expectedSignature, hook.Headers["X-Scouter-Signature"]);
        Assert.Equal("firing", hook.Json.GetProperty("event").GetString());
        var body = hook.Json.GetProperty("alert");
        Assert.Equal(alert.Id, body.GetProperty("id").GetInt64());
        Assert.Equal(uid.ToString("D"), body.GetProperty("uid").GetString());
        Assert.Equal("custom", body.GetProperty("kind").GetString());
        Assert.Equal(5.0, body.GetProperty("finding").GetProperty("observed").GetDouble());

        var delivered = await SingleAlertAsync(h, uid);
        Assert.Null(delivered.NotifyPending);
        Assert.Equal(h.Time.GetUtcNow(), delivered.LastNotifiedAt);

        // Healthy data on the next slot resolves it: Slack message, OpsGenie close by alias, webhook "resolved".
        await Seed.CustomAsync(h.Database, uid, "accuracy", Seed.T0.AddSeconds(3), 12, 1);
        h.Time.Advance(TimeSpan.FromSeconds(5));
        await h.Runner().RunDueAsync();
        http.Requests.Clear();
        Assert.Equal(1, await h.Dispatcher().DispatchDueAsync());

        requests = http.Requests.ToArray();
        Assert.Equal(3, requests.Length);
        Assert.Contains("resolved", requests[0].Json.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(("POST", $"/v2/alerts/{alias}/close", "?identifierType=alias"), (requests[1].Method, requests[1].Path, requests[1].Query));
        Assert.Equal("GenieKey genie-key", requests[1].Headers["Authorization"]);
        Assert.Equal("resolved", requests[2].Json.GetProperty("event").GetString());
        Assert.Equal("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), requests[2].Body)), requests[2].Headers["X-Scouter-Signature"]);
        Assert.Null((await SingleAlertAsync(h, uid)).NotifyPending);
    }

    [Fact]
    public async Task Failure_IsRetriedWithBackoff_RecordedOnTheAlert_ThenDelivered()
    {
        var (h, http) = await StartAsync();
        await using var _ = h;
        await using var __ = http;
        http.Respond = _ => (500, """{"error":"boom"}""");
        var uid = await FiringAlertAsync(h, [new WebhookDispatchConfig { Url = http.Url + "/hook" }]);

        await h.Dispatcher().DispatchDueAsync();

        var failed = await SingleAlertAsync(h, uid);
        Assert.Equal(1, failed.NotifyAttempts);
        Assert.Equal("webhook: http 500", failed.NotifyError); // the status only: the answer's text is not kept
        Assert.Equal(NotifyKind.Fire, failed.NotifyPending);
        var delay = failed.NextAttemptAt!.Value - h.Time.GetUtcNow();
        Assert.InRange(delay, DispatchBackoff.Base * 0.8, DispatchBackoff.Base * 1.2);
        Assert.Equal(0, await h.Dispatcher().DispatchDueAsync()); // not due yet

        h.Time.Advance(delay);
        await h.Dispatcher().DispatchDueAsync();
        var second = await SingleAlertAsync(h, uid);
        Assert.Equal(2, second.NotifyAttempts);
        Assert.InRange(second.NextAttemptAt!.Value - h.Time.GetUtcNow(), DispatchBackoff.Base * 2 * 0.8, DispatchBackoff.Base * 2 * 1.2);

        http.Respond = _ => (204, "");
        h.Time.Advance(TimeSpan.FromMinutes(1));
        await h.Dispatcher().DispatchDueAsync();
        var delivered = await SingleAlertAsync(h, uid);
        Assert.Null(delivered.NotifyPending);
        Assert.Null(delivered.NotifyError);
        Assert.Equal(h.Time.GetUtcNow(), delivered.LastNotifiedAt);
        Assert.Equal(3, http.Requests.Count);
    }

    [Fact]
    public async Task PersistentFailure_GivesUpAfterMaxAttempts_KeepingTheError()
    {
        var (h, http) = await StartAsync();
        await using var _ = h;
        await using var __ = http;
        http.Respond = _ => (200, """{"ok":false,"error":"channel_not_found"}""");
        var uid = await FiringAlertAsync(h, [new SlackDispatchConfig { Channel = "#nope" }]);

        for (var i = 0; i < DispatchBackoff.MaxAttempts + 2; i++)
        {
            await h.Dispatcher().DispatchDueAsync();
            h.Time.Advance(TimeSpan.FromHours(2));
        }

        var alert = await SingleAlertAsync(h, uid);
        Assert.Equal(DispatchBackoff.MaxAttempts, http.Requests.Count);
        Assert.Null(alert.NotifyPending);
        Assert.Equal(DispatchBackoff.MaxAttempts, alert.NotifyAttempts);
        Assert.Contains("channel_not_found", alert.NotifyError, StringComparison.Ordinal);
        Assert.Contains("gave up", alert.NotifyError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChannelWithoutServerSettings_FallsBackToConsole()
    {
        var (h, http) = await StartAsync(configured: false);
        await using var _ = h;
        await using var __ = http;
        var uid = await FiringAlertAsync(h, [new SlackDispatchConfig { Channel = "#ml" }, new WebhookDispatchConfig { Url = http.Url + "/hook" }]);
        var alert = await SingleAlertAsync(h, uid);

        await h.Dispatcher().DispatchDueAsync();

        Assert.Empty(http.Requests);
        Assert.Null((await SingleAlertAsync(h, uid)).NotifyPending);
        // One console notice (event 550) per channel that fell back: Slack and the webhook.
        var lines = h.ChannelLogs.WithEventId(550);
        Assert.Equal(2, lines.Count);
        Assert.All(lines, line =>
        {
            Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, line.Level);
            Assert.Equal(alert.Id, line.Values["AlertId"]);
            Assert.StartsWith($"Alert alert_id={alert.Id} fire: warning custom zone= on 'accuracy' of team/credit@0.1.0 ({uid:D}): {{", line.Message, StringComparison.Ordinal);
            Assert.Contains("\"observed\":5", line.Message, StringComparison.Ordinal);
        });
        Assert.Equal(lines.Count, h.ChannelLogs.Entries.Count);
    }

    [Fact]
    public async Task RefusedDestination_DoesNotStopTheOtherChannels_AndIsNotRetried()
    {
        var (h, http) = await StartAsync();
        await using var _ = h;
        await using var __ = http;
        var uid = await FiringAlertAsync(h, [
            new WebhookDispatchConfig { Url = "http://169.254.169.254/latest/meta-data/" },
            new SlackDispatchConfig { Channel = "#ml" },
            new WebhookDispatchConfig { Url = http.Url + "/hook" },
        ]);

        await h.Dispatcher().DispatchDueAsync();

        Assert.Equal(["/slack/api/chat.postMessage", "/hook"], http.Requests.Select(r => r.Path));
        var alert = await SingleAlertAsync(h, uid);
        Assert.Equal("not retried: webhook: destination refused: address not allowed", alert.NotifyError);
        Assert.Null(alert.NotifyPending);
        Assert.Null(alert.NextAttemptAt);
    }

    [Fact]
    public async Task RefusedDestination_BesideAFailingChannel_IsRetriedForThatChannel()
    {
        var (h, http) = await StartAsync();
        await using var _ = h;
        await using var __ = http;
        http.Respond = _ => (503, "unavailable");
        var uid = await FiringAlertAsync(h, [
            new WebhookDispatchConfig { Url = "http://10.0.0.1/hook" },
            new WebhookDispatchConfig { Url = http.Url + "/hook" },
        ]);

        await h.Dispatcher().DispatchDueAsync();

        Assert.Single(http.Requests);
        var alert = await SingleAlertAsync(h, uid);
        Assert.Equal("webhook: destination refused: address not allowed; webhook: http 503", alert.NotifyError);
        Assert.Equal(NotifyKind.Fire, alert.NotifyPending);
        Assert.Equal(1, alert.NotifyAttempts);
        Assert.NotNull(alert.NextAttemptAt);
    }
}
