using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Scouter.Server.Jobs;
using Scouter.Server.Storage;

namespace Scouter.Server.Alerts;

/// <summary>
/// Sends one alert notice through one channel, per spec/server.md "Alerts". A channel whose server
/// settings are missing falls back to the console line. Anything but a 2xx answer (and, for Slack,
/// <c>"ok": true</c>) throws <see cref="AlertDeliveryException"/>. Every request goes through the
/// alert client (<c>AddAlertHttpClient</c>): destinations checked by <see cref="AlertDestinationPolicy"/>,
/// redirects not followed.
/// </summary>
internal sealed class AlertChannels(IHttpClientFactory httpFactory, ServerOptions options, ILogger<AlertChannels> logger)
{
    public const string HttpClientName = "scouter-alerts";

    /// <summary>The channel actually used for <paramref name="config"/> given the server settings.</summary>
    public DispatchConfig Effective(DispatchConfig config) => config switch
    {
        SlackDispatchConfig when string.IsNullOrEmpty(options.SlackAppToken) => new ConsoleDispatchConfig(),
        OpsGenieDispatchConfig when string.IsNullOrEmpty(options.OpsGenieApiKey) => new ConsoleDispatchConfig(),
        WebhookDispatchConfig when string.IsNullOrEmpty(options.WebhookSecret) => new ConsoleDispatchConfig(),
        _ => config,
    };

    /// <summary>Logs a warning for each channel the server cannot use (called at start-up).</summary>
    public void WarnUnconfigured()
    {
        if (string.IsNullOrEmpty(options.SlackAppToken)) JobsLog.ChannelNotConfigured(logger, "slack", "SLACK_APP_TOKEN");
        if (string.IsNullOrEmpty(options.OpsGenieApiKey)) JobsLog.ChannelNotConfigured(logger, "opsgenie", "OPSGENIE_API_KEY");
        if (string.IsNullOrEmpty(options.WebhookSecret)) JobsLog.ChannelNotConfigured(logger, "webhook", "SCOUTER_WEBHOOK_SECRET");
    }

    public async Task SendAsync(PendingNotice notice, DispatchConfig config, CancellationToken cancellationToken)
    {
        switch (Effective(config))
        {
            case SlackDispatchConfig slack: await SlackAsync(notice, slack, cancellationToken); break;
            case OpsGenieDispatchConfig ops: await OpsGenieAsync(notice, ops, cancellationToken); break;
            case WebhookDispatchConfig hook: await WebhookAsync(notice, hook, cancellationToken); break;
            default:
                var a = notice.Alert;
                JobsLog.ConsoleAlert(logger, a.Id, notice.Pending, a.Severity, a.Kind, a.Zone, a.FeatureOrMetric, a.Space, notice.Alert.ProfileName, notice.Alert.ProfileVersion, a.Uid, a.PayloadJson);
                break;
        }
    }

    /// <summary>Stable OpsGenie alias (dedupe key) of an alert identity: URL-safe and bounded.</summary>
    public static string Alias(AlertRow alert)
    {
        var identity = string.Create(CultureInfo.InvariantCulture, $"{alert.Uid:D}|{alert.FeatureOrMetric}|{alert.Kind}|{alert.Zone ?? 0}");
        return "scouter-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..40];
    }

    /// <summary>One-line summary, e.g. "[Scouter] critical psi drift on 'age' (credit/model@1.0.0)".</summary>
    public static string Title(PendingNotice notice)
    {
        var a = notice.Alert;
        var zone = a.Zone is { } z ? string.Create(CultureInfo.InvariantCulture, $" zone {z}") : string.Empty;
        var what = $"{a.Kind}{zone} on '{a.FeatureOrMetric}' ({a.Space}/{notice.Alert.ProfileName}@{notice.Alert.ProfileVersion})";
        return notice.Pending == NotifyKind.Resolve ? $"[Scouter] resolved: {what}" : $"[Scouter] {a.Severity} drift: {what}";
    }

    /// <summary>The JSON body of webhook notices.</summary>
    public static JsonObject WebhookBody(PendingNotice notice)
    {
        var a = notice.Alert;
        return new JsonObject
        {
            ["event"] = notice.Pending == NotifyKind.Resolve ? "resolved" : "firing",
            ["alert"] = new JsonObject
            {
                ["id"] = a.Id,
                ["uid"] = a.Uid.ToString("D", CultureInfo.InvariantCulture),
                ["space"] = a.Space,
                ["name"] = notice.Alert.ProfileName,
                ["version"] = notice.Alert.ProfileVersion,
                ["feature_or_metric"] = a.FeatureOrMetric,
                ["kind"] = a.Kind,
                ["zone"] = a.Zone,
                ["severity"] = a.Severity,
                ["status"] = a.Status,
                ["created_at"] = DriftCheckEngine.Format(a.CreatedAt),
                ["updated_at"] = DriftCheckEngine.Format(a.UpdatedAt),
                ["resolved_at"] = a.ResolvedAt is { } r ? DriftCheckEngine.Format(r) : null,
                ["alias"] = Alias(a),
                ["finding"] = JsonNode.Parse(a.PayloadJson),
            },
        };
    }

    private async Task SlackAsync(PendingNotice notice, SlackDispatchConfig slack, CancellationToken ct)
    {
        var a = notice.Alert;
        var title = Title(notice);
        JsonObject Field(string label, string value) => new() { ["type"] = "mrkdwn", ["text"] = $"*{label}*\n{value}" };
        var body = new JsonObject
        {
            ["channel"] = slack.Channel,
            ["text"] = title,
            ["blocks"] = new JsonArray
            {
                new JsonObject { ["type"] = "header", ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = Truncate(title, 150) } },
                new JsonObject
                {
                    ["type"] = "section",
                    ["fields"] = new JsonArray
                    {
                        Field("Space", a.Space),
                        Field("Model", $"{notice.Alert.ProfileName}@{notice.Alert.ProfileVersion}"),
                        Field("Feature / metric", a.FeatureOrMetric),
                        Field("Kind", a.Zone is { } z ? string.Create(CultureInfo.InvariantCulture, $"{a.Kind} (zone {z})") : a.Kind),
                        Field("Severity", a.Severity),
                        Field("Status", notice.Pending == NotifyKind.Resolve ? AlertStatus.Resolved : a.Status),
                        Field("Alert id", a.Id.ToString(CultureInfo.InvariantCulture)),
                        Field("Since", DriftCheckEngine.Format(a.CreatedAt)),
                    },
                },
            },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, options.SlackApiUrl.TrimEnd('/') + "/chat.postMessage") { Content = Json(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.SlackAppToken);
        var answer = SlackAnswer.Parse(await SendCheckedAsync(request, "slack", SlackAnswer.MaxBytes, ct));
        if (!answer.Ok) throw new AlertDeliveryException($"slack: answered ok=false ({answer.Error ?? "no error code"})");
    }

    private async Task OpsGenieAsync(PendingNotice notice, OpsGenieDispatchConfig ops, CancellationToken ct)
    {
        var a = notice.Alert;
        var alias = Alias(a);
        var baseUrl = options.OpsGenieApiUrl.TrimEnd('/');
        HttpRequestMessage request;
        if (notice.Pending == NotifyKind.Resolve)
        {
            request = new HttpRequestMessage(HttpMethod.Post, $"{baseUrl}/{Uri.EscapeDataString(alias)}/close?identifierType=alias")
            {
                Content = Json(new JsonObject { ["source"] = "scouter", ["note"] = Title(notice) }),
            };
        }
        else
        {
            var body = new JsonObject
            {
                ["message"] = Truncate(Title(notice), 130),
                ["description"] = Truncate($"{Title(notice)}\n\nFinding: {a.PayloadJson}", 15000),
                ["alias"] = alias,
                ["responders"] = new JsonArray { new JsonObject { ["name"] = ops.Team, ["type"] = "team" } },
                ["priority"] = ops.Priority,
                ["tags"] = new JsonArray([.. ops.Tags.Select(t => (JsonNode?)t)]),
            };
            request = new HttpRequestMessage(HttpMethod.Post, baseUrl) { Content = Json(body) };
        }
        using (request)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("GenieKey", options.OpsGenieApiKey);
            await SendCheckedAsync(request, "opsgenie", 0, ct);
        }
    }

    private async Task WebhookAsync(PendingNotice notice, WebhookDispatchConfig hook, CancellationToken ct)
    {
        var bytes = Encoding.UTF8.GetBytes(WebhookBody(notice).ToJsonString());
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.WebhookSecret!), bytes));
        using var request = new HttpRequestMessage(HttpMethod.Post, hook.Url) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add("X-Scouter-Signature", "sha256=" + signature);
        await SendCheckedAsync(request, "webhook", 0, ct);
    }

    /// <summary>
    /// Sends <paramref name="request"/> through the alert client and throws <see cref="AlertDeliveryException"/>
    /// unless it is answered 2xx. Reads at most <paramref name="answerBytes"/> of the answer, the rest is
    /// never received; errors hold the status and a fixed reason, never answer text, since they are
    /// stored on the alert for every reader of its space.
    /// </summary>
    private async Task<byte[]> SendCheckedAsync(HttpRequestMessage request, string channel, int answerBytes, CancellationToken ct)
    {
        var client = httpFactory.CreateClient(HttpClientName);
        // The client's own timeout ends with the headers; this one also bounds reading the answer.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(JobsExtensions.DispatchTimeout);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            if (status is >= 300 and < 400) throw Failure(channel, $"redirect refused (http {status})");
            if (!response.IsSuccessStatusCode) throw Failure(channel, $"http {status}");
            return answerBytes == 0 ? [] : await ReadPrefixAsync(response.Content, answerBytes, timeout.Token);
        }
        catch (HttpRequestException ex) when (Refusal(ex) is { } refusal)
        {
            throw new AlertDeliveryException($"{channel}: destination refused: {refusal.Message}", ex) { Permanent = true };
        }
        catch (HttpRequestException ex)
        {
            throw new AlertDeliveryException($"{channel}: request failed ({ex.HttpRequestError})", ex);
        }
        catch (IOException ex)
        {
            throw new AlertDeliveryException($"{channel}: answer unreadable", ex);
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new AlertDeliveryException($"{channel}: timeout", ex);
        }
    }

    private static AlertDeliveryException Failure(string channel, string reason) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{channel}: {reason}"));

    private static AlertDestinationRefusedException? Refusal(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is AlertDestinationRefusedException refusal) return refusal;
        }
        return null;
    }

    private static async Task<byte[]> ReadPrefixAsync(HttpContent content, int max, CancellationToken ct)
    {
        await using var stream = await content.ReadAsStreamAsync(ct);
        var buffer = new byte[max];
        var length = 0;
        int read;
        while (length < max && (read = await stream.ReadAsync(buffer.AsMemory(length), ct)) > 0) length += read;
        return buffer[..length];
    }

    private static StringContent Json(JsonObject body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}

/// <summary>A notice a channel did not accept.</summary>
internal sealed class AlertDeliveryException : Exception
{
    /// <summary>Whether trying again cannot help (a refused destination): the notice is not retried for it.</summary>
    public bool Permanent { get; init; }

    public AlertDeliveryException(string message) : base(message)
    {
    }

    public AlertDeliveryException(string message, Exception inner) : base(message, inner)
    {
    }

    public AlertDeliveryException()
    {
    }
}
