using Microsoft.AspNetCore.Diagnostics;
using Scouter.Server.Storage;

namespace Scouter.Server.Apis;

/// <summary>
/// The last line of defence: an exception that escaped a handler becomes a problem detail without
/// a stack trace. Known client errors (bad JSON, oversized bodies) keep their 4xx status; a database
/// that cannot serve (<see cref="StoreFailures.IsUnavailable"/>) is a 503 <c>storage_unavailable</c>
/// with Retry-After on every route, logged as a warning; anything else is a 500, which is a bug and
/// logged as an error.
/// </summary>
internal static class ApiErrors
{
    public static async Task WriteUnhandledAsync(HttpContext context)
    {
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var json = error as System.Text.Json.JsonException ?? error?.InnerException as System.Text.Json.JsonException;
        var (status, code, detail) = error switch
        {
            BadHttpRequestException { StatusCode: 413 } => (413, "payload_too_large", "The request body is larger than the server accepts."),
            _ when json is not null => (400, "invalid_json", json.Message),
            BadHttpRequestException bad => (bad.StatusCode, "bad_request", bad.Message),
            OperationCanceledException when context.RequestAborted.IsCancellationRequested => (499, "client_closed_request", "The client closed the request."),
            not null when StoreFailures.IsUnavailable(error) => (503, "storage_unavailable", Problems.StorageUnavailableDetail),
            _ => (500, "internal_error", "An unexpected error occurred; it has been logged."),
        };
        if (status >= 500)
        {
            var log = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Scouter.Server.Api");
            if (status == 503) ApiLog.StorageUnavailable(log, context.Request.Method, context.Request.Path, error!);
            else ApiLog.Unhandled(log, context.Request.Method, context.Request.Path, error!);
        }
        if (context.Response.HasStarted) return;
        if (status == 503)
        {
            await Problems.StorageUnavailable(context.Response, Problems.StorageUnavailableDetail).ExecuteAsync(context);
            return;
        }
        // JSON errors name the offending JSON path ("$.profile.config.space") as the field.
        await Problems.Create(status, code, detail, json is null ? null : json.Path ?? "$").ExecuteAsync(context);
    }
}
