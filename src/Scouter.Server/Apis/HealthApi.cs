using Dapper;
using Scouter.Server.Storage;

namespace Scouter.Server.Apis;

/// <summary>
/// <c>/healthz</c> (the process is up) and <c>/readyz</c> (and the database answers). Both are
/// anonymous, so <c>/readyz</c> answers only ready or not ready: why the database does not answer goes
/// to the server log, never into the response.
/// </summary>
internal static class HealthApi
{
    /// <summary>Maps the health endpoints (anonymous).</summary>
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Ok(new { status = "ok" })).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/readyz", async (ScouterDatabase database, ILoggerFactory logs, CancellationToken ct) =>
        {
            try
            {
                await using var connection = await database.OpenAsync(ct);
                await connection.ExecuteScalarAsync<int>(new CommandDefinition("select 1", cancellationToken: ct));
                return Results.Ok(new { status = "ready", database = database.Dialect.ToString().ToLowerInvariant() });
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                ApiLog.NotReady(logs.CreateLogger("Scouter.Server.Api"), ex);
                return Problems.Create(StatusCodes.Status503ServiceUnavailable, "database_unavailable", "The database does not answer (see the server log).");
            }
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}
