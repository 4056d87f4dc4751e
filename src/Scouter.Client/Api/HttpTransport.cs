using System.Globalization;
using Scouter.Client.Transports;
using Scouter.Records;

namespace Scouter.Client;

/// <summary>
/// Settings of <see cref="HttpTransport"/>. Unset values come from environment variables when the
/// transport is built; values set in code win.
/// </summary>
public sealed class HttpTransportConfig
{
    /// <summary>Server base address. Default: <c>SCOUTER_SERVER_URI</c>, else <c>SCOUTER_SERVER_URL</c>, else <c>http://localhost:8000</c>.</summary>
    public string? ServerUri { get; set; }

    /// <summary>API key (<c>X-Scouter-Api-Key</c>); wins over user name and password. Default: <c>SCOUTER_API_KEY</c>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>User name for token login. Default: <c>SCOUTER_USERNAME</c>.</summary>
    public string? Username { get; set; }

    /// <summary>Password for token login. Default: <c>SCOUTER_PASSWORD</c>.</summary>
    public string? Password { get; set; }

    /// <summary>Timeout of each send. Default 30 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Clock used for token expiry. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider? TimeProvider { get; set; }
}

/// <summary>
/// Sends record batches to the server's <c>POST /api/v1/records</c>. 202 is success, and returns the
/// records the server refused (its receipt's <c>rejected</c> list); 408, 429, 5xx and network failures
/// are retryable (with the server's <c>Retry-After</c>); other statuses (400, 401, 403, 404, 413, 422,
/// ...) are not: the exception's message carries the reason and <see cref="TransportException.Code"/>
/// the server's problem code (<c>http_STATUS</c> when the answer had none).
/// </summary>
public sealed class HttpTransport : IRecordTransport
{
    private readonly ScouterClient client;

    /// <summary>Creates the transport.</summary>
    /// <exception cref="ArgumentException">A setting is invalid (the message names it).</exception>
    public HttpTransport(HttpTransportConfig? config = null)
    {
        config ??= new HttpTransportConfig();
        client = new ScouterClient(ResolvedClientSettings.Create(config.ServerUri, config.ApiKey, config.Username, config.Password, config.Timeout,
            config.TimeProvider, nameof(HttpTransportConfig.ServerUri)));
    }

    /// <inheritdoc />
    public string Name => "http";

    /// <inheritdoc />
    public async Task<IReadOnlyList<RejectedRecord>> SendAsync(RecordBatch batch, CancellationToken cancellationToken)
    {
        try
        {
            return (await client.SendBatchAsync(batch, cancellationToken)).Rejected ?? [];
        }
        catch (ScouterApiException ex)
        {
            var what = ex.StatusCode == 0 ? ex.Code : $"{ex.StatusCode} {ex.Code ?? "error"}";
            var field = ex.Field is null ? string.Empty : $" (field {ex.Field})";
            throw new TransportException($"HTTP send of batch {batch.BatchId} failed: {what}{field}: {ex.Detail}", ex.IsTransient, ex.RetryAfter, ex)
            {
                Code = ex.Code ?? (ex.StatusCode == 0 ? null : string.Create(CultureInfo.InvariantCulture, $"http_{ex.StatusCode}")),
            };
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => client.DisposeAsync();
}
