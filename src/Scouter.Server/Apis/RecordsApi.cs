using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Scouter.Records;
using Scouter.Server.Auth;
using Scouter.Server.Ingestion;

namespace Scouter.Server.Apis;

/// <summary>Answer of <c>POST /records</c> once the batch is durable.</summary>
/// <param name="BatchId">The batch id.</param>
/// <param name="Records">Records in the batch.</param>
/// <param name="Duplicate">True when the batch id was stored before and nothing was written now.</param>
public sealed record IngestResponse(Guid BatchId, int Records, bool Duplicate);

/// <summary><c>POST /records</c>: one record batch through the ingestion pipeline.</summary>
public static class RecordsApi
{
    /// <summary>Seconds a client is told to wait when the queue is full.</summary>
    public const int RetryAfterSeconds = 1;

    /// <summary>Maps the records route on <paramref name="api"/>.</summary>
    public static RouteGroupBuilder MapRecordsApi(this RouteGroupBuilder api)
    {
        api.MapGroup("/records").RequireAuthorization().WithTags("Records")
            .MapPost("/", IngestAsync).Accepts<RecordBatch>("application/json");
        return api;
    }

    /// <summary>
    /// Validates the batch (400 naming the first bad field), checks <c>write</c> on the space of every
    /// profile it names (403 with field <c>records[i].uid</c>, also when the caller has no role at all on that space),
    /// queues it (429 with Retry-After when full) and answers 202 after the commit.
    /// </summary>
    public static async Task<Results<Accepted<IngestResponse>, ProblemHttpResult>> IngestAsync(
        HttpContext context, ClaimsPrincipal user, IngestPipeline pipeline, CancellationToken ct)
    {
        var (batch, problem) = await ApiBody.ReadAsync<RecordBatch>(context.Request, ct);
        if (problem is not null) return problem;
        var result = await pipeline.SubmitAsync(batch!, (profile, index) =>
        {
            var space = profile.Row.Space;
            return user.Can(space, SpaceRole.Write)
                ? null
                : new IngestError("forbidden", RecordBatchValidator.Path(index, "uid"), $"This action needs the 'write' role on space '{space}'.", StatusCodes.Status403Forbidden);
        }, ct);
        switch (result.Status)
        {
            case IngestStatus.Rejected:
                var error = result.Error!;
                return Problems.Create(error.Status, error.Code, error.Detail, error.Field);
            case IngestStatus.Overloaded:
                context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                return Problems.Create(StatusCodes.Status429TooManyRequests, "ingest_queue_full", "The ingestion queue is full; retry after the Retry-After delay. Nothing was stored.");
            case IngestStatus.Failed:
                context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                return Problems.Create(StatusCodes.Status503ServiceUnavailable, "storage_unavailable", "The batch could not be stored (see the server log); nothing was stored. Retry later.");
            default:
                return TypedResults.Accepted((string?)null, new IngestResponse(result.BatchId, result.Records, result.Status == IngestStatus.Duplicate));
        }
    }
}
