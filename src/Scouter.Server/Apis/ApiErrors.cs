using Microsoft.AspNetCore.Diagnostics;
using Scouter.Server.Storage;

namespace Scouter.Server.Apis;

/// <summary>
/// The last line of defence: an exception that escaped a handler becomes a problem detail without
/// a stack trace. Known client errors (bad JSON, oversized bodies, a wrong content type) keep their
/// 4xx status and are logged at Debug only; a database that cannot serve
/// (<see cref="StoreFailures.IsUnavailable"/>) is a 503 <c>storage_unavailable</c> with Retry-After on
/// every route, logged as a warning; anything else is a 500, which is a bug and logged as an error.
/// </summary>
internal static class ApiErrors
{
    /// <summary>The exception handler's options: this handler, and no framework error log for client mistakes.</summary>
    public static ExceptionHandlerOptions Options() => new()
    {
        ExceptionHandler = WriteUnhandledAsync,
        // Client mistakes and an unavailable database are logged here (Debug, Warning); only bugs keep the framework's error log.
        SuppressDiagnosticsCallback = c => Classify(c.Exception, c.HttpContext).Status is < 500 or 503,
    };

    public static async Task WriteUnhandledAsync(HttpContext context)
    {
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var json = JsonError(error);
        var (status, code, detail) = Classify(error, context);
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Scouter.Server.Api");
        if (status == 503) ApiLog.StorageUnavailable(logger, context.Request.Method, context.Request.Path, error!);
        else if (status >= 500) ApiLog.Unhandled(logger, context.Request.Method, context.Request.Path, error!);
        else ApiLog.ClientError(logger, status, code, context.Request.Method, context.Request.Path, detail);
        if (context.Response.HasStarted) return;
        if (status == 503)
        {
            await Problems.StorageUnavailable(context.Response, Problems.StorageUnavailableDetail).ExecuteAsync(context);
            return;
        }
        // JSON errors name the offending JSON path ("$.profile.config.space") as the field.
        await Problems.Create(status, code, detail, json is null ? null : json.Path ?? "$").ExecuteAsync(context);
    }

    private static System.Text.Json.JsonException? JsonError(Exception? error) =>
        error as System.Text.Json.JsonException ?? error?.InnerException as System.Text.Json.JsonException;

    private static (int Status, string Code, string Detail) Classify(Exception? error, HttpContext context) => error switch
    {
        BadHttpRequestException { StatusCode: 413 } => (413, Problems.PayloadTooLarge, "The request body is larger than the server accepts."),
        BadHttpRequestException { StatusCode: 415 } => (415, Problems.UnsupportedMediaType, Problems.UnsupportedMediaTypeDetail),
        _ when JsonError(error) is { } json => (400, "invalid_json", json.Message),
        BadHttpRequestException bad => (bad.StatusCode, "bad_request", bad.Message),
        OperationCanceledException when context.RequestAborted.IsCancellationRequested => (499, "client_closed_request", "The client closed the request."),
        not null when StoreFailures.IsUnavailable(error) => (503, "storage_unavailable", Problems.StorageUnavailableDetail),
        _ => (500, "internal_error", "An unexpected error occurred; it has been logged."),
    };
}
