using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Scouter.Records;
using Scouter.Server.Auth;
using Scouter.Server.Ingestion;

namespace Scouter.Server.Apis;

/// <summary><c>POST /records</c>: one record batch through the ingestion pipeline.</summary>
internal static class RecordsApi
{
    /// <summary>Seconds a client is told to wait when the queue is full (<see cref="Problems.RetryAfterSeconds"/>).</summary>
    public const int RetryAfterSeconds = Problems.RetryAfterSeconds;

    /// <summary>Maps the records route on <paramref name="api"/>.</summary>
    public static RouteGroupBuilder MapRecordsApi(this RouteGroupBuilder api)
    {
        api.MapGroup("/records").RequireAuthorization().WithTags("Records")
            .MapPost("/", IngestAsync).Accepts<RecordBatch>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return api;
    }

    /// <summary>
    /// Validates the batch and stores its valid records: 202 with the <see cref="IngestReceipt"/> (stored
    /// count and the refused records, each with index, code, field and detail). A malformed batch is a
    /// 400 naming the field; a profile the caller may not <c>write</c> — also when the caller has no role
    /// at all on its space — a 403 with field <c>records[i].uid</c>; a batch with no valid record a 400
    /// with the first record's code and field and the extension <c>rejected</c> listing every record.
    /// A full queue is a 429 with Retry-After; the answer comes after the commit. A retried batch id
    /// stores nothing and gets the first answer again with <c>duplicate: true</c>.
    /// </summary>
    public static async Task<Results<Accepted<IngestReceipt>, ProblemHttpResult>> IngestAsync(
        HttpContext context, ClaimsPrincipal user, IngestPipeline pipeline, CancellationToken ct)
    {
        var (batch, problem) = await ApiBody.ReadAsync<RecordBatch>(context.Request, ct);
        if (problem is not null) return problem;
        var result = await pipeline.SubmitAsync(batch!, (profile, index) =>
        {
            var space = profile.Row.Space;
            return user.Can(space, SpaceRole.Write)
                ? null
                : new IngestError("forbidden", RecordRules.Path(index, "uid"), $"This action needs the 'write' role on space '{space}'.", StatusCodes.Status403Forbidden);
        }, ct);
        switch (result.Status)
        {
            case IngestStatus.Rejected:
                var error = result.Error!;
                return result.Rejected.Count == 0
                    ? Problems.Create(error.Status, error.Code, error.Detail, error.Field)
                    : Problems.Create(error.Status, error.Code, error.Detail, error.Field, new Dictionary<string, object?> { ["rejected"] = result.Rejected });
            case IngestStatus.Overloaded:
                context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                return Problems.Create(StatusCodes.Status429TooManyRequests, "ingest_queue_full", "The ingestion queue is full; retry after the Retry-After delay. Nothing was stored.");
            case IngestStatus.Failed:
                return Problems.StorageUnavailable(context.Response, "The batch could not be stored (see the server log); nothing was stored. Retry later.");
            default:
                return TypedResults.Accepted((string?)null, result.ToReceipt());
        }
    }
}
