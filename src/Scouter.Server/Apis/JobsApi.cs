using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Scouter.Api;
using Scouter.Server.Auth;
using Scouter.Server.Jobs;
using Scouter.Server.Storage;

namespace Scouter.Server.Apis;

/// <summary><c>POST /profiles/{uid}/run</c> and <c>GET /profiles/{uid}/checks</c>.</summary>
internal static class JobsApi
{
    /// <summary>Maps the routes on the <c>/api/v1</c> group.</summary>
    public static RouteGroupBuilder MapJobRoutes(this RouteGroupBuilder api)
    {
        api.MapPost("/profiles/{uid}/run", RunAsync).RequireAuthorization().WithName("RunCheck");
        api.MapGet("/profiles/{uid}/checks", ChecksAsync).RequireAuthorization().WithName("ListChecks");
        return api;
    }

    internal static async Task<Results<Ok<JsonObject>, ProblemHttpResult>> RunAsync(string uid, ClaimsPrincipal user, JobStore store, DriftCheckService checks,
        CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(uid, CultureInfo.InvariantCulture, out var id)) return ProfileNotFound(uid);
        var profile = await store.GetProfileAsync(id, cancellationToken);
        if (profile is null) return ProfileNotFound(uid);
        if (!user.Can(profile.Space, SpaceRole.Write)) return Problems.Forbidden(profile.Space, "write");
        DriftProfile parsed;
        try
        {
            parsed = DriftProfile.FromJson(profile.ProfileJson);
        }
        catch (ScouterDataException ex)
        {
            return Problems.Create(StatusCodes.Status422UnprocessableEntity, "invalid_profile", "The stored profile cannot be read: " + ex.Message);
        }
        var (result, _) = await checks.RunManualAsync(profile, parsed, "api:" + Caller(user), cancellationToken);
        return TypedResults.Ok(result);
    }

    internal static async Task<Results<Ok<List<CheckRun>>, ProblemHttpResult>> ChecksAsync(string uid, ClaimsPrincipal user, JobStore store,
        string? from, string? to, string? page, [FromQuery(Name = "page_size")] string? pageSize, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(uid, CultureInfo.InvariantCulture, out var id)) return ProfileNotFound(uid);
        if (QueryParsing.Time(from, "from", out var fromTime) is { } e1) return e1;
        if (QueryParsing.Time(to, "to", out var toTime) is { } e2) return e2;
        if (QueryParsing.Int(page, "page", 1, 1, int.MaxValue, out var pageNo) is { } e3) return e3;
        if (QueryParsing.Int(pageSize, "page_size", 100, 1, 1000, out var size) is { } e4) return e4;
        var profile = await store.GetProfileAsync(id, cancellationToken);
        if (profile is null) return ProfileNotFound(uid);
        if (!user.Can(profile.Space, SpaceRole.Read)) return Problems.Forbidden(profile.Space, "read");
        var rows = await store.ListChecksAsync(id, fromTime, toTime, size, (pageNo - 1) * size, cancellationToken);
        return TypedResults.Ok(rows.Select(r => new CheckRun(r.Id, id, r.Slot, r.WindowStart, r.WindowEnd, r.RanAt, r.Runner, r.Trigger, r.AlertCount,
            JsonElement.Parse(r.ResultJson))).ToList());
    }

    internal static ProblemHttpResult ProfileNotFound(string uid) => Problems.NotFound("profile_not_found", $"No profile with uid '{uid}'.");

    /// <summary>Who the caller is: the name claim, else the JWT <c>sub</c>.</summary>
    internal static string Caller(ClaimsPrincipal user) =>
        user.FindFirst(ClaimTypes.Name)?.Value ?? user.FindFirst("sub")?.Value ?? user.Identity?.Name ?? "unknown";
}

/// <summary>Query-string validation that answers <c>invalid_query</c> naming the parameter.</summary>
internal static class QueryParsing
{
    /// <summary>Earliest timestamp a query accepts (the Unix epoch).</summary>
    public static readonly DateTimeOffset MinTime = DateTimeOffset.UnixEpoch;

    /// <summary>
    /// Latest timestamp a query accepts: a year short of <see cref="DateTimeOffset.MaxValue"/>, so that
    /// windows and buckets computed from it (defaults of a day, bucket ends) cannot overflow.
    /// </summary>
    public static readonly DateTimeOffset MaxTime = new(9999, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>An optional RFC 3339 timestamp from <see cref="MinTime"/> to <see cref="MaxTime"/> (inclusive), in UTC.</summary>
    public static ProblemHttpResult? Time(string? text, string name, out DateTimeOffset? value)
    {
        value = null;
        if (string.IsNullOrEmpty(text)) return null;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
            return Problems.Validation("invalid_query", name, $"Query parameter '{name}' must be an RFC 3339 timestamp, got '{text}'.");
        if (parsed < MinTime || parsed > MaxTime)
            return Problems.Validation("invalid_query", name, $"Query parameter '{name}' must be from 1970-01-01T00:00:00Z to 9999-01-01T00:00:00Z, got '{text}'.");
        value = parsed;
        return null;
    }

    /// <summary>An optional <c>true</c> or <c>false</c> (any case).</summary>
    public static ProblemHttpResult? Bool(string? text, string name, out bool? value)
    {
        value = null;
        if (string.IsNullOrEmpty(text)) return null;
        if (bool.TryParse(text, out var parsed))
        {
            value = parsed;
            return null;
        }
        return Problems.Validation("invalid_query", name, $"Query parameter '{name}' must be true or false, got '{text}'.");
    }

    /// <summary>An optional integer from <paramref name="min"/> to <paramref name="max"/> (<paramref name="fallback"/> when absent).</summary>
    public static ProblemHttpResult? Int(string? text, string name, int fallback, int min, int max, out int value)
    {
        value = fallback;
        if (string.IsNullOrEmpty(text)) return null;
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value) && value >= min && value <= max) return null;
        return Problems.Validation("invalid_query", name, string.Create(CultureInfo.InvariantCulture, $"Query parameter '{name}' must be an integer from {min} to {max}, got '{text}'."));
    }
}
