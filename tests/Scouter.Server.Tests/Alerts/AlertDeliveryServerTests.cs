using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Scouter.Server.Alerts;
using Scouter.Server.Auth;
using Scouter.Server.Storage;
using Scouter.Server.Tests.Fixtures;
using Xunit;

namespace Scouter.Server.Tests.Alerts;

/// <summary>
/// Alert destinations are not a way into the server's network: checked at connect time, no
/// redirects, answers not read beyond a small cap and never stored, against real listeners.
/// </summary>
public class AlertDeliveryServerTests
{
    private const string Refused = "webhook: destination refused: address not allowed";
    private const string InternalText = "internal-page-text-7f3a";

    private static async Task<(JobsHarness H, RecordingHttpServer Http)> StartAsync(string? allowedHosts = "127.0.0.1")
    {
        var http = await RecordingHttpServer.StartAsync();
        var h = await JobsHarness.CreateAsync(SqlDialect.Sqlite, o =>
        {
            o.AlertAllowedHosts = allowedHosts;
            o.SlackApiUrl = http.Url + "/slack/api";
            o.SlackAppToken = "xoxb-test";
            o.OpsGenieApiUrl = http.Url + "/v2/alerts";
            o.OpsGenieApiKey = "genie-key";
            o.WebhookSecret = "webhook-secret";
        });
        return (h, http);
    }

    private static async Task<AlertRow> DispatchOnceAsync(JobsHarness h, params DispatchConfig[] dispatch)
    {
        var uid = await Seed.ProfileAsync(h.Database, Seed.Custom("credit", dispatch: dispatch, baseline: 10), Seed.T0);
        await Seed.CustomAsync(h.Database, uid, "accuracy", Seed.T0.AddSeconds(-1), 5, 1);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        await h.Runner().RunDueAsync();
        Assert.Equal(1, await h.Dispatcher().DispatchDueAsync());
        return Assert.Single((await h.Alerts.ListAsync(new AlertQuery(uid, null, null, null, null, 1, 10))).Items);
    }

    private static WebhookDispatchConfig Hook(string url) => new() { Url = url };

    /// <summary>A loopback port nothing listens on (bound, then released).</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Theory]
    [InlineData("http://127.0.0.1:{port}/hook")]
    [InlineData("http://localhost:{port}/hook")]
    [InlineData("http://[::ffff:127.0.0.1]:{port}/hook")]
    public async Task LoopbackWebhook_WithoutAllowList_IsRefusedUnsent_AndNotRetried(string url)
    {
        var (h, http) = await StartAsync(allowedHosts: null);
        await using var _ = h;
        await using var __ = http;

        var alert = await DispatchOnceAsync(h, Hook(url.Replace("{port}", new Uri(http.Url).Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)));

        Assert.Empty(http.Requests);
        Assert.Equal("not retried: " + Refused, alert.NotifyError);
        Assert.Null(alert.NotifyPending);
        Assert.Null(alert.NextAttemptAt);
        var refusal = Assert.Single(h.DispatcherLogs.WithEventId(556));
        Assert.Equal(alert.Id, refusal.Values["AlertId"]);
        Assert.Empty(h.DispatcherLogs.WithEventId(552)); // no retry scheduled
    }

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData("10.0.0.0/8, 127.0.0.0/8", "127.0.0.1")]
    [InlineData("localhost", "localhost")]
    [InlineData("127.0.0.1", "[::ffff:127.0.0.1]")]
    public async Task LoopbackWebhook_AllowedByTheOperator_IsDelivered(string allowedHosts, string urlHost)
    {
        var (h, http) = await StartAsync(allowedHosts);
        await using var _ = h;
        await using var __ = http;

        var alert = await DispatchOnceAsync(h, Hook($"http://{urlHost}:{new Uri(http.Url).Port}/hook"));

        Assert.Equal("/hook", Assert.Single(http.Requests).Path);
        Assert.Null(alert.NotifyPending);
        Assert.Null(alert.NotifyError);
    }

    [Fact]
    public async Task MetadataService_IsRefused_EvenWithLoopbackAllowed()
    {
        var (h, http) = await StartAsync();
        await using var _ = h;
        await using var __ = http;

        var alert = await DispatchOnceAsync(h, Hook("http://169.254.169.254/latest/meta-data/iam/security-credentials/"));

        Assert.Equal("not retried: " + Refused, alert.NotifyError);
        Assert.Null(alert.NotifyPending);
    }

    [Fact]
    public async Task SlackAndOpsGenieUrls_GoThroughTheSamePolicy()
    {
        var (h, http) = await StartAsync(allowedHosts: null);
        await using var _ = h;
        await using var __ = http;

        var alert = await DispatchOnceAsync(h, new SlackDispatchConfig { Channel = "#ml" }, new OpsGenieDispatchConfig { Team = "ml" });

        Assert.Empty(http.Requests);
        Assert.Equal("not retried: slack: destination refused: address not allowed; opsgenie: destination refused: address not allowed", alert.NotifyError);
    }

    [Fact]
    public async Task PortScan_OpenAndClosedInternalPorts_GiveTheSameError()
    {
        var (h, http) = await StartAsync(allowedHosts: null);
        await using var _ = h;
        await using var __ = http;
        http.Respond = _ => (404, InternalText);

        var alert = await DispatchOnceAsync(h, Hook(http.Url + "/admin"), Hook($"http://127.0.0.1:{ClosedPort()}/admin"));

        Assert.Empty(http.Requests);
        Assert.Equal($"not retried: {Refused}; {Refused}", alert.NotifyError);
    }

    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(307)]
    [InlineData(308)]
    public async Task Redirect_IsNotFollowed_TheTargetReceivesNothing(int status)
    {
        var (h, http) = await StartAsync();
        await using var _ = h;
        await using var __ = http;
        await using var target = await RecordingHttpServer.StartAsync();
        http.Answer = context =>
        {
            context.Response.StatusCode = status;
            context.Response.Headers.Location = target.Url + "/internal";
            return Task.CompletedTask;
        };

        var alert = await DispatchOnceAsync(h, Hook(http.Url + "/hook"));

        Assert.Single(http.Requests);
        Assert.Empty(target.Requests);
        Assert.Equal($"webhook: redirect refused (http {status})", alert.NotifyError);
        Assert.Equal(NotifyKind.Fire, alert.NotifyPending); // a redirect may be a passing misconfiguration: retried
    }

    [Fact]
    public async Task HugeErrorAnswer_IsNotRead()
    {
        var (h, http) = await StartAsync();
        await using var _ = h;
        await using var __ = http;
        var sent = StreamHugeAnswer(http, 500, "{\"error\":\"");

        var alert = await DispatchOnceAsync(h, Hook(http.Url + "/hook"));

        Assert.InRange(await sent.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken), 0, MaxBytesSent);
        Assert.Equal("webhook: http 500", alert.NotifyError);
    }

    [Fact]
    public async Task HugeSlackAnswer_OnlyItsBeginningIsRead()
    {
        var (h, http) = await StartAsync();
        await using var _ = h;
        await using var __ = http;
        var sent = StreamHugeAnswer(http, 200, "{\"ok\":true,\"message\":{\"text\":\"");

        var alert = await DispatchOnceAsync(h, new SlackDispatchConfig { Channel = "#ml" });

        Assert.InRange(await sent.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken), 0, MaxBytesSent);
        Assert.Null(alert.NotifyPending); // "ok": true was found in the first kilobyte
        Assert.Null(alert.NotifyError);
    }

    [Theory]
    [InlineData("{\"ok\":false,\"error\":\"<html>" + InternalText + "</html>\"}", "slack: answered ok=false (unrecognised_error)")]
    [InlineData("<html>" + InternalText + "</html>", "slack: answered ok=false (no error code)")]
    public async Task SlackAnswerText_IsNotKept(string answer, string expected)
    {
        var (h, http) = await StartAsync();
        await using var _ = h;
        await using var __ = http;
        http.Respond = _ => (200, answer);

        var alert = await DispatchOnceAsync(h, new SlackDispatchConfig { Channel = "#ml" });

        Assert.Equal(expected, alert.NotifyError);
    }

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task AnswerText_IsNeitherStoredNorReturnedByGetAlerts(SqlDialect dialect)
    {
        await using var http = await RecordingHttpServer.StartAsync();
        http.Respond = _ => (500, $"{{\"detail\":\"{InternalText}\"}}");
        await using var server = await TestServer.StartAsync(dialect, o =>
        {
            o.AlertAllowedHosts = "127.0.0.1";
            o.WebhookSecret = "webhook-secret";
            o.JobPollInterval = TimeSpan.FromHours(1); // the test dispatches itself
        });
        var uid = await Seed.ProfileAsync(server.Database.Database, Seed.Custom("ssrf", dispatch: [Hook(http.Url + "/hook")], baseline: 10), nextRun: null);
        // Recent: the first check reads one schedule period or 24 h back from now.
        await Seed.CustomAsync(server.Database.Database, uid, "accuracy", TimeProvider.System.GetUtcNow().AddMinutes(-1), 4, 1);
        using (var run = await server.Admin.PostAsync($"/api/v1/profiles/{uid}/run", null, TestContext.Current.CancellationToken)) Assert.Equal(HttpStatusCode.OK, run.StatusCode);

        Assert.Equal(1, await server.App.Services.GetRequiredService<AlertDispatcher>().DispatchDueAsync(TestContext.Current.CancellationToken));

        Assert.Single(http.Requests);
        var reader = await server.CreateUserClientAsync("reader", TestServer.Grants(("team", SpaceRole.Read)));
        var text = await reader.GetStringAsync($"/api/v1/alerts?uid={uid}", TestContext.Current.CancellationToken);
        Assert.DoesNotContain(InternalText, text, StringComparison.Ordinal);
        var alert = JsonDocument.Parse(text).RootElement.GetProperty("items")[0];
        Assert.Equal("webhook: http 500", alert.GetProperty("notify_error").GetString());
    }

    // Loopback socket buffers hold a few MiB; reading the whole answer would move all of HugeAnswerBytes.
    private const long MaxBytesSent = 16L << 20;
    private const long HugeAnswerBytes = 128L << 20;

    /// <summary>Answers <paramref name="status"/> with <paramref name="start"/> and then up to <see cref="HugeAnswerBytes"/>; completes with the bytes written before the client went away.</summary>
    private static TaskCompletionSource<long> StreamHugeAnswer(RecordingHttpServer http, int status, string start)
    {
        var sent = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        http.Answer = async context =>
        {
            var written = 0L;
            try
            {
                context.Response.StatusCode = status;
                context.Response.ContentType = "application/json";
                context.Response.ContentLength = HugeAnswerBytes;
                var chunk = Encoding.ASCII.GetBytes(start + new string('x', 64 * 1024 - start.Length));
                // A completed flush result means the connection is gone; later writes would be dropped unsent.
                while (written < HugeAnswerBytes && !(await context.Response.BodyWriter.WriteAsync(chunk, context.RequestAborted)).IsCompleted)
                {
                    written += chunk.Length;
                    Array.Fill(chunk, (byte)'x');
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException)
            {
                // The client closed the connection.
            }
            finally
            {
                sent.TrySetResult(written);
            }
        };
        return sent;
    }
}
