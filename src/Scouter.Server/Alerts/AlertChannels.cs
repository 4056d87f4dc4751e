using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scouter.Server.Jobs;
using Scouter.Server.Storage;

namespace Scouter.Server.Alerts;

/// <summary>
/// Sends one alert notice through one channel, per spec/server.md "Alerts". A channel whose server
/// settings are missing falls back to the console line. Anything but a 2xx answer (and, for Slack,
/// <c>"ok": true</c>) throws <see cref="AlertDeliveryException"/>.
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
                JobsLog.ConsoleAlert(logger, a.Id, notice.Pending, a.Severity, a.Kind, a.Zone, a.FeatureOrMetric, a.Space, notice.ProfileName, notice.ProfileVersion, a.Uid, a.PayloadJson);
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
        var what = $"{a.Kind}{zone} on '{a.FeatureOrMetric}' ({a.Space}/{notice.ProfileName}@{notice.ProfileVersion})";
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
                ["name"] = notice.ProfileName,
                ["version"] = notice.ProfileVersion,
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
                        Field("Model", $"{notice.ProfileName}@{notice.ProfileVersion}"),
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
        var text = await SendCheckedAsync(request, "slack", ct);
        bool ok;
        string? error = null;
        try
        {
            using var doc = JsonDocument.Parse(text);
            ok = doc.RootElement.TryGetProperty("ok", out var okProp) && okProp.ValueKind == JsonValueKind.True;
            if (doc.RootElement.TryGetProperty("error", out var err)) error = err.ToString();
        }
        catch (JsonException)
        {
            ok = false;
        }
        if (!ok) throw new AlertDeliveryException($"slack: answered ok=false ({error ?? Truncate(text, 200)})");
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
            await SendCheckedAsync(request, "opsgenie", ct);
        }
    }

    private async Task WebhookAsync(PendingNotice notice, WebhookDispatchConfig hook, CancellationToken ct)
    {
        var bytes = Encoding.UTF8.GetBytes(WebhookBody(notice).ToJsonString());
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.WebhookSecret!), bytes));
        using var request = new HttpRequestMessage(HttpMethod.Post, hook.Url) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add("X-Scouter-Signature", "sha256=" + signature);
        await SendCheckedAsync(request, "webhook", ct);
    }

    private async Task<string> SendCheckedAsync(HttpRequestMessage request, string channel, CancellationToken ct)
    {
        var client = httpFactory.CreateClient(HttpClientName);
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, ct);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            throw new AlertDeliveryException($"{channel}: {ex.GetType().Name}: {ex.Message}", ex);
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
                throw new AlertDeliveryException(string.Create(CultureInfo.InvariantCulture, $"{channel}: HTTP {(int)response.StatusCode}: {Truncate(text, 300)}"));
            return text;
        }
    }

    private static StringContent Json(JsonObject body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}

/// <summary>A notice a channel did not accept.</summary>
internal sealed class AlertDeliveryException : Exception
{
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
