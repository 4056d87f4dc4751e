using System.Globalization;
using Scouter.Client.Transports;
using Scouter.Records;

namespace Scouter.Client;

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

    /// <summary>Creates the transport on the server and credentials of <paramref name="options"/> (the same settings as <see cref="ScouterClient"/>; unset values come from the <c>SCOUTER_*</c> environment variables).</summary>
    /// <exception cref="ArgumentException">A setting is invalid (the message names it).</exception>
    public HttpTransport(ScouterClientOptions? options = null)
    {
        client = new ScouterClient(options);
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
