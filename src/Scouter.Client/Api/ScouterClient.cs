using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Scouter.Api;
using Scouter.Records;

namespace Scouter.Client;

/// <summary>
/// Typed async client for the Scouter server API (<c>/api/v1</c>). Authenticates with an API key or
/// with a user name and password (token obtained on first use and refreshed transparently).
/// Thread-safe; create one and reuse it.
/// </summary>
/// <remarks>
/// Every method throws <see cref="ScouterApiException"/> on failure: for a non-2xx answer it carries
/// the status and the server's problem details; for a network failure or timeout its status is 0 and
/// the <see cref="HttpRequestException"/> (or timeout) is the inner exception. Cancellation through the
/// caller's token surfaces as <see cref="OperationCanceledException"/>.
/// </remarks>
public sealed class ScouterClient : IAsyncDisposable, IDisposable
{
    private static readonly MediaTypeHeaderValue JsonMediaType = new("application/json") { CharSet = "utf-8" };

    private readonly HttpClient http;
    private readonly ResolvedClientSettings settings;
    private int disposed;

    /// <summary>Creates a client; unset options come from <c>SCOUTER_*</c> environment variables.</summary>
    /// <exception cref="ArgumentException">An option is invalid (the message names it).</exception>
    public ScouterClient(ScouterClientOptions? options = null)
        : this((options ?? new ScouterClientOptions()).Resolve())
    {
    }

    internal ScouterClient(ResolvedClientSettings settings)
    {
        this.settings = settings;
        Auth = new ScouterAuthHandler(settings, new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        http = new HttpClient(Auth, disposeHandler: true) { BaseAddress = settings.ApiBase, Timeout = settings.Timeout };
    }

    /// <summary>The API base address, e.g. <c>http://localhost:8000/api/v1/</c>.</summary>
    public Uri BaseAddress => settings.ApiBase;

    internal ScouterAuthHandler Auth { get; }

    /// <summary>
    /// Who the configured credentials authenticate as (<c>GET /me</c>): a cheap way to check a server address and
    /// credentials before using them. A wrong password throws <see cref="ScouterApiException"/> 401 <c>invalid_credentials</c>.
    /// </summary>
    public Task<CallerInfo> GetMeAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, "me", null, ClientJsonContext.Default.CallerInfo, cancellationToken);

    /// <summary>
    /// Registers <paramref name="profile"/> and returns it as stored, with the server-assigned uid and
    /// version. Registering a profile identical to the stored one of the same space, name, version and
    /// drift type returns the stored one (same uid), so a registration script can run again; one with
    /// different contents throws <see cref="ScouterApiException"/> 409 <c>profile_exists</c>. With
    /// <paramref name="bump"/> the server always assigns the next patch version instead;
    /// <paramref name="setActive"/> activates it and deactivates the other versions.
    /// </summary>
    public async Task<TProfile> RegisterProfileAsync<TProfile>(TProfile profile, bool setActive = false, bool bump = false, CancellationToken cancellationToken = default)
        where TProfile : DriftProfile
    {
        ArgumentNullException.ThrowIfNull(profile);
        var body = new JsonObject
        {
            ["profile"] = JsonNode.Parse(profile.ToJson()),
            ["set_active"] = setActive,
            ["bump"] = bump,
        };
        var registered = await SendAsync(HttpMethod.Post, "profiles", Encoding.UTF8.GetBytes(body.ToJsonString()), ClientJsonContext.Default.ProfileInfo,
            cancellationToken);
        if (registered.Profile is not { } stored)
            throw new ScouterApiException(200, "invalid_response", "The server's answer to POST profiles has no profile.");
        return DriftProfile.FromJson(stored.GetRawText(), "server") switch
        {
            TProfile typed => typed,
            var other => throw new ScouterApiException(201, "invalid_response", $"The server returned a {other.GetType().Name} for a {typeof(TProfile).Name}."),
        };
    }

    /// <summary>Activates or deactivates a profile's scheduled checks; <paramref name="deactivateOthers"/> deactivates the other versions when activating.</summary>
    public Task<ProfileInfo> UpdateProfileStatusAsync(Guid uid, bool active, bool deactivateOthers = false, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, $"profiles/{uid}/status",
            JsonSerializer.SerializeToUtf8Bytes(new StatusBody(active, deactivateOthers), ClientJsonContext.Default.StatusBody),
            ClientJsonContext.Default.ProfileInfo, cancellationToken);

    /// <summary>The stored profile with uid <paramref name="uid"/>.</summary>
    public async Task<DriftProfile> GetProfileAsync(Guid uid, CancellationToken cancellationToken = default)
    {
        var json = await SendForTextAsync(HttpMethod.Get, $"profiles/{uid}", cancellationToken);
        return DriftProfile.FromJson(json, $"profile {uid}");
    }

    /// <summary>
    /// Finds the profile named by <paramref name="request"/>, saves it to <paramref name="path"/> (atomically)
    /// and returns it. Throws <see cref="ScouterApiException"/> 404 <c>profile_not_found</c> when none matches.
    /// </summary>
    public async Task<DriftProfile> DownloadProfileAsync(GetProfileRequest request, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var matches = await ListProfilesAsync(new ProfileFilter { Space = request.Space, Name = request.Name, Version = request.Version, DriftType = request.DriftType },
            cancellationToken);
        if (matches.Count == 0)
        {
            throw new ScouterApiException(404, "profile_not_found",
                $"No {DriftTypeName(request.DriftType)} profile {request.Space}/{request.Name} version {request.Version}.");
        }
        var profile = await GetProfileAsync(matches[0].Uid, cancellationToken);
        profile.Save(path);
        return profile;
    }

    /// <summary>Profiles the caller may read, optionally filtered (metadata only; <see cref="GetProfileAsync"/> fetches one).</summary>
    public async Task<IReadOnlyList<ProfileInfo>> ListProfilesAsync(ProfileFilter? filter = null, CancellationToken cancellationToken = default)
    {
        var query = new QueryBuilder("profiles")
            .Add("space", filter?.Space)
            .Add("name", filter?.Name)
            .Add("version", filter?.Version)
            .Add("drift_type", filter?.DriftType is { } type ? DriftTypeName(type) : null);
        var list = await SendAsync(HttpMethod.Get, query.ToString(), null, ClientJsonContext.Default.ProfileList, cancellationToken);
        return list.Profiles;
    }

    /// <summary>PSI per feature over <c>(from, to]</c> in <paramref name="buckets"/> buckets (server defaults: last 24 h, 24 buckets).</summary>
    public Task<PsiDriftResponse> GetPsiDriftAsync(Guid uid, DateTimeOffset? from = null, DateTimeOffset? to = null, int? buckets = null,
        CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, DriftQuery("psi", uid, from, to, buckets), null, ClientJsonContext.Default.PsiDriftResponse, cancellationToken);

    /// <summary>SPC samples per feature over <c>(from, to]</c> (server defaults: last 24 h).</summary>
    public Task<SpcDriftResponse> GetSpcDriftAsync(Guid uid, DateTimeOffset? from = null, DateTimeOffset? to = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, DriftQuery("spc", uid, from, to, null), null, ClientJsonContext.Default.SpcDriftResponse, cancellationToken);

    /// <summary>Custom metric means per bucket over <c>(from, to]</c>.</summary>
    public Task<MetricDriftResponse> GetCustomDriftAsync(Guid uid, DateTimeOffset? from = null, DateTimeOffset? to = null, int? buckets = null,
        CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, DriftQuery("custom", uid, from, to, buckets), null, ClientJsonContext.Default.MetricDriftResponse, cancellationToken);

    /// <summary>LLM metric mean scores per bucket over <c>(from, to]</c>, with record evaluation status counts.</summary>
    public Task<MetricDriftResponse> GetLlmDriftAsync(Guid uid, DateTimeOffset? from = null, DateTimeOffset? to = null, int? buckets = null,
        CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, DriftQuery("llm", uid, from, to, buckets), null, ClientJsonContext.Default.MetricDriftResponse, cancellationToken);

    /// <summary>Alerts, newest first, one page.</summary>
    public Task<AlertPage> GetAlertsAsync(AlertQuery? query = null, CancellationToken cancellationToken = default)
    {
        var q = new QueryBuilder("alerts")
            .Add("uid", query?.Uid?.ToString())
            .Add("space", query?.Space)
            .Add("status", query?.Status)
            .Add("open", query?.Open)
            .Add("severity", query?.Severity)
            .Add("kind", query?.Kind)
            .Add("from", query?.From)
            .Add("to", query?.To)
            .Add("page", query?.Page)
            .Add("page_size", query?.PageSize);
        return SendAsync(HttpMethod.Get, q.ToString(), null, ClientJsonContext.Default.AlertPage, cancellationToken);
    }

    /// <summary>
    /// Every profile the caller may read (of <paramref name="space"/> only, when given) with its schedule, next run,
    /// latest check and open alerts by severity, in one call (<c>GET /overview</c>).
    /// </summary>
    public Task<OverviewResponse> GetOverviewAsync(string? space = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, new QueryBuilder("overview").Add("space", space).ToString(), null, ClientJsonContext.Default.OverviewResponse, cancellationToken);

    /// <summary>Acknowledges alert <paramref name="id"/> and returns it (409 <c>alert_resolved</c> when already resolved).</summary>
    public Task<Alert> AcknowledgeAlertAsync(long id, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, string.Create(CultureInfo.InvariantCulture, $"alerts/{id}/acknowledge"), [], ClientJsonContext.Default.Alert, cancellationToken);

    /// <summary>
    /// Runs the profile's drift check now over <c>(last check, now]</c> and returns the server's result
    /// (per feature/metric inputs and decisions, <c>check_run_id</c>, <c>alerts_opened</c>, <c>alerts_resolved</c>).
    /// </summary>
    public Task<JsonElement> RunDriftCheckAsync(Guid uid, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"profiles/{uid}/run", [], ClientJsonContext.Default.JsonElement, cancellationToken);

    /// <summary>
    /// Posts one record batch to <c>/records</c>; completes once the server has stored it (a repeated
    /// <c>batch_id</c> is accepted and reported as a duplicate). Used by <see cref="HttpTransport"/>.
    /// </summary>
    public Task<IngestReceipt> SendBatchAsync(RecordBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var body = batch.ToUtf8Json();
        return SendAsync(HttpMethod.Post, "records", body, ClientJsonContext.Default.IngestReceipt, cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0) http.Dispose();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, byte[]? body, JsonTypeInfo<T> type, CancellationToken ct)
    {
        using var response = await SendRawAsync(method, path, body, ct);
        try
        {
            return await JsonSerializer.DeserializeAsync(await response.Content.ReadAsStreamAsync(ct), type, ct)
                ?? throw new ScouterApiException((int)response.StatusCode, "invalid_response", $"The server returned an empty body for {method} {path}.");
        }
        catch (JsonException ex)
        {
            throw new ScouterApiException((int)response.StatusCode, "invalid_response", $"The server's answer to {method} {path} could not be read: {ex.Message}", inner: ex);
        }
    }

    private async Task<string> SendForTextAsync(HttpMethod method, string path, CancellationToken ct)
    {
        using var response = await SendRawAsync(method, path, null, ct);
        return await response.Content.ReadAsStringAsync(ct);
    }

    /// <summary>Sends and returns a 2xx response; anything else becomes a <see cref="ScouterApiException"/>.</summary>
    private async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, byte[]? body, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            // Bytes, not a stream: the auth handler may send the request twice (after a 401).
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = JsonMediaType;
        }
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException ex)
        {
            throw new ScouterApiException(0, "network_error", $"{method} {settings.ApiBase}{path} failed: {ex.Message}", inner: ex);
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new ScouterApiException(0, "timeout", $"{method} {settings.ApiBase}{path} timed out after {settings.Timeout}.", inner: ex);
        }
        if (response.IsSuccessStatusCode) return response;
        using (response)
        {
            throw await ScouterApiException.FromResponseAsync(response, settings.Time, ct);
        }
    }

    private static string DriftQuery(string type, Guid uid, DateTimeOffset? from, DateTimeOffset? to, int? buckets) =>
        new QueryBuilder("drift/" + type).Add("uid", uid.ToString()).Add("from", from).Add("to", to).Add("buckets", buckets).ToString();

    private static string DriftTypeName(DriftType type) => type switch
    {
        DriftType.Psi => "psi",
        DriftType.Spc => "spc",
        DriftType.Custom => "custom",
        DriftType.Llm => "llm",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown drift type."),
    };

    private sealed class QueryBuilder(string path)
    {
        private readonly StringBuilder text = new(path);
        private char separator = '?';

        public QueryBuilder Add(string name, string? value)
        {
            if (value is null) return this;
            text.Append(separator).Append(name).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
            return this;
        }

        public QueryBuilder Add(string name, DateTimeOffset? value) =>
            Add(name, value?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));

        public QueryBuilder Add(string name, int? value) => Add(name, value?.ToString(CultureInfo.InvariantCulture));

        public QueryBuilder Add(string name, bool? value) => Add(name, value is null ? null : value.Value ? "true" : "false");

        public override string ToString() => text.ToString();
    }
}
