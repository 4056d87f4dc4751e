using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Scouter.Api;
using Scouter.Server.Auth;
using Scouter.Server.Evaluation;
using Scouter.Server.Storage;

namespace Scouter.Server.Apis;

/// <summary>
/// <c>GET /llm/records</c>, <c>GET /llm/records/{id}</c> and <c>POST /llm/records/{id}/retry</c>: what the
/// judge made of each LLM record. Access follows the record's profile space (read; write to retry).
/// </summary>
internal static class LlmRecordsApi
{
    private const string Pending = "pending";
    private const string Done = "done";
    private const string Failed = "failed";

    /// <summary>Maps the routes on the <c>/api/v1</c> group.</summary>
    public static RouteGroupBuilder MapLlmRecordRoutes(this RouteGroupBuilder api)
    {
        api.MapGet("/llm/records", ListAsync).RequireAuthorization().WithName("ListLlmRecords");
        api.MapGet("/llm/records/{id}", GetAsync).RequireAuthorization().WithName("GetLlmRecord");
        api.MapPost("/llm/records/{id}/retry", RetryAsync).RequireAuthorization().WithName("RetryLlmRecord");
        return api;
    }

    internal static async Task<Results<Ok<LlmRecordPage>, ProblemHttpResult>> ListAsync(ClaimsPrincipal user, LlmEvaluationStore records, JobStore profiles,
        JudgeBreaker breaker, IJudge judge,
        string? uid, string? status, string? from, string? to, string? page, [FromQuery(Name = "page_size")] string? pageSize, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(uid)) return Problems.Validation("invalid_query", "uid", "Query parameter 'uid' (the LLM profile) is required.");
        if (!Guid.TryParse(uid, CultureInfo.InvariantCulture, out var profileUid))
            return Problems.Validation("invalid_query", "uid", $"Query parameter 'uid' must be a UUID, got '{uid}'.");
        if (status is not (null or "" or Pending or Done or Failed))
            return Problems.Validation("invalid_query", "status", $"Query parameter 'status' must be pending, done or failed, got '{status}'.");
        if (QueryParsing.Time(from, "from", out var fromTime) is { } e1) return e1;
        if (QueryParsing.Time(to, "to", out var toTime) is { } e2) return e2;
        if (QueryParsing.Int(page, "page", 1, 1, 1_000_000, out var pageNo) is { } e3) return e3;
        if (QueryParsing.Int(pageSize, "page_size", 50, 1, 500, out var size) is { } e4) return e4;

        var profile = await profiles.GetProfileAsync(profileUid, cancellationToken);
        if (profile is null) return JobsApi.ProfileNotFound(uid);
        if (!user.Can(profile.Space, SpaceRole.Read)) return Problems.Forbidden(profile.Space, "read");
        var (items, total) = await records.ListAsync(
            new LlmRecordQuery(profileUid, string.IsNullOrEmpty(status) ? null : status, fromTime, toTime, pageNo, size), cancellationToken);
        return TypedResults.Ok(new LlmRecordPage(items, pageNo, size, total, breaker.State(judge.IsConfigured)));
    }

    internal static async Task<Results<Ok<LlmRecordDetail>, ProblemHttpResult>> GetAsync(string id, ClaimsPrincipal user, LlmEvaluationStore records, JobStore profiles,
        CancellationToken cancellationToken)
    {
        var (found, problem) = await FindAsync(id, user, SpaceRole.Read, records, profiles, cancellationToken);
        if (problem is not null) return problem;
        var (record, payload, scores) = found!.Value;
        return TypedResults.Ok(new LlmRecordDetail(record, JsonElement.Parse(payload), scores));
    }

    internal static async Task<Results<Ok<LlmRecordDetail>, ProblemHttpResult>> RetryAsync(string id, ClaimsPrincipal user, LlmEvaluationStore records, JobStore profiles,
        CancellationToken cancellationToken)
    {
        var (found, problem) = await FindAsync(id, user, SpaceRole.Write, records, profiles, cancellationToken);
        if (problem is not null) return problem;
        var recordId = found!.Value.Record.Id;
        if (!await records.RetryFailedAsync(recordId, cancellationToken))
        {
            return Problems.Conflict("record_not_failed",
                $"LLM record {recordId} is {found.Value.Record.Status}; only a failed record can be retried.");
        }
        var (record, payload, scores) = (await records.GetAsync(recordId, cancellationToken))!.Value;
        return TypedResults.Ok(new LlmRecordDetail(record, JsonElement.Parse(payload), scores));
    }

    /// <summary>The record, when it exists and the caller holds <paramref name="role"/> in its profile's space.</summary>
    private static async Task<((LlmRecordSummary Record, string Payload, IReadOnlyList<LlmMetricScore> Scores)? Found, ProblemHttpResult? Problem)> FindAsync(
        string id, ClaimsPrincipal user, SpaceRole role, LlmEvaluationStore records, JobStore profiles, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, CultureInfo.InvariantCulture, out var recordId)) return (null, RecordNotFound(id));
        var found = await records.GetAsync(recordId, cancellationToken);
        // A record whose profile is gone has no space to authorize against: it is not shown.
        var profile = found is null ? null : await profiles.GetProfileAsync(found.Value.Record.Uid, cancellationToken);
        if (profile is null) return (null, RecordNotFound(id));
        if (!user.Can(profile.Space, role)) return (null, Problems.Forbidden(profile.Space, role == SpaceRole.Write ? "write" : "read"));
        return (found, null);
    }

    private static ProblemHttpResult RecordNotFound(string id) => Problems.NotFound("llm_record_not_found", $"No LLM record with id '{id}'.");
}
