using Microsoft.AspNetCore.Http.HttpResults;

namespace Scouter.Server.Apis;

/// <summary>
/// RFC 7807 problem details with a stable <c>code</c> (and, for validation failures, the offending
/// <c>field</c>). Every error the API returns is built here, so codes stay consistent.
/// </summary>
internal static class Problems
{
    /// <summary>Code of a 413: the body is over the server's limit.</summary>
    public const string PayloadTooLarge = "payload_too_large";

    /// <summary>Code of a 415: the body is not JSON (by its <c>Content-Type</c>).</summary>
    public const string UnsupportedMediaType = "unsupported_media_type";

    internal const string UnsupportedMediaTypeDetail = "The request body must be JSON (Content-Type: application/json).";

    /// <summary>A problem with status, stable code and message; <paramref name="field"/> names the offending input.</summary>
    public static ProblemHttpResult Create(int status, string code, string detail, string? field = null, IDictionary<string, object?>? extra = null)
    {
        var extensions = new Dictionary<string, object?> { ["code"] = code };
        if (field is not null) extensions["field"] = field;
        if (extra is not null)
        {
            foreach (var (k, v) in extra) extensions[k] = v;
        }
        return TypedResults.Problem(detail: detail, statusCode: status, title: Title(status), type: $"https://scouter.dev/problems/{code}", extensions: extensions);
    }

    /// <summary>400 for input that fails validation.</summary>
    public static ProblemHttpResult Validation(string code, string field, string detail) => Create(StatusCodes.Status400BadRequest, code, detail, field);

    /// <summary>404 for an unknown id.</summary>
    public static ProblemHttpResult NotFound(string code, string detail) => Create(StatusCodes.Status404NotFound, code, detail);

    /// <summary>409 for a conflict (e.g. a profile version that already exists).</summary>
    public static ProblemHttpResult Conflict(string code, string detail) => Create(StatusCodes.Status409Conflict, code, detail);

    /// <summary>403 when the caller lacks the role on the space.</summary>
    public static ProblemHttpResult Forbidden(string space, string requiredRole) =>
        Create(StatusCodes.Status403Forbidden, "forbidden", $"This action needs the '{requiredRole}' role on space '{space}'.");

    /// <summary>Seconds a client is told to wait before retrying after a 429 or 503.</summary>
    public const int RetryAfterSeconds = 1;

    /// <summary>The detail of a 503 <c>storage_unavailable</c> raised by a read or a check (not by ingestion).</summary>
    internal const string StorageUnavailableDetail = "The database is unavailable (see the server log). Retry later.";

    /// <summary>
    /// 503 <c>storage_unavailable</c> with <c>Retry-After</c>: the database cannot serve right now. The
    /// one answer for a store that is down, from ingestion and from every other route.
    /// </summary>
    public static ProblemHttpResult StorageUnavailable(HttpResponse response, string detail)
    {
        response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Create(StatusCodes.Status503ServiceUnavailable, "storage_unavailable", detail);
    }

    /// <summary>
    /// Gives a problem the framework writes itself (routing's 415 for a wrong content type, 404, 405,
    /// status-code pages) the same shape as the API's own: a stable <c>code</c>, its <c>type</c>
    /// and title. Problems built by <see cref="Create"/> keep theirs.
    /// </summary>
    internal static void Complete(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Extensions.ContainsKey("code")) return;
        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        var code = FrameworkCode(status);
        problem.Extensions["code"] = code;
        problem.Type = $"https://scouter.dev/problems/{code}";
        problem.Title = Title(status);
        problem.Detail ??= status switch
        {
            StatusCodes.Status413PayloadTooLarge => "The request body is larger than the server accepts.",
            StatusCodes.Status415UnsupportedMediaType => UnsupportedMediaTypeDetail,
            _ => null,
        };
    }

    private static string FrameworkCode(int status) => status switch
    {
        400 => "bad_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        413 => PayloadTooLarge,
        415 => UnsupportedMediaType,
        _ when status >= 500 => "internal_error",
        _ => "error",
    };

    private static string Title(int status) => status switch
    {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        503 => "Service Unavailable",
        _ => "Error",
    };
}
