using System.Net.Http.Headers;
using System.Text.Json;

namespace Scouter.Client;

/// <summary>
/// A failed server call. For an HTTP error, <see cref="StatusCode"/> and the server's problem
/// details (<see cref="Code"/>, <see cref="Detail"/>, <see cref="Field"/>); for a network failure or
/// timeout, <see cref="StatusCode"/> is 0, <see cref="Code"/> is <c>network_error</c> or <c>timeout</c>
/// and <see cref="Exception.InnerException"/> holds the <see cref="HttpRequestException"/> or the timeout.
/// </summary>
public sealed class ScouterApiException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ScouterApiException(int statusCode, string? code, string message, string? field = null, TimeSpan? retryAfter = null, Exception? inner = null)
        : base(message, inner)
    {
        StatusCode = statusCode;
        Code = code;
        Detail = message;
        Field = field;
        RetryAfter = retryAfter;
    }

    /// <summary>HTTP status code; 0 when no response was received.</summary>
    public int StatusCode { get; }

    /// <summary>The server's stable error code (e.g. <c>profile_not_found</c>); null when the body was not problem details.</summary>
    public string? Code { get; }

    /// <summary>The server's human-readable explanation (problem <c>detail</c>).</summary>
    public string Detail { get; }

    /// <summary>The offending input for validation failures (e.g. <c>records[0].uid</c>).</summary>
    public string? Field { get; }

    /// <summary>The server's requested delay (<c>Retry-After</c>) on 429 and 503.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>True for a status where retrying later can succeed: no response, 408, 429 and 5xx.</summary>
    public bool IsTransient => StatusCode is 0 or 408 or 429 or >= 500;

    internal static async Task<ScouterApiException> FromResponseAsync(HttpResponseMessage response, TimeProvider time, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        string? code = null, detail = null, field = null, title = null;
        try
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            if (body.Length > 0 && body.TrimStart().StartsWith('{'))
            {
                using var doc = JsonDocument.Parse(body);
                var root = doc.RootElement;
                code = Text(root, "code");
                detail = Text(root, "detail");
                field = Text(root, "field");
                title = Text(root, "title");
            }
        }
        catch (JsonException)
        {
            // Not problem details (a proxy's HTML page, say): the status line is all we have.
        }
        var message = detail ?? title ?? $"{status} {response.ReasonPhrase}";
        return new ScouterApiException(status, code, message, field, RetryAfterOf(response.Headers.RetryAfter, time));
    }

    internal static TimeSpan? RetryAfterOf(RetryConditionHeaderValue? header, TimeProvider time) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
