using Dapper;
using Scouter.Server.Storage;

namespace Scouter.Server.Apis;

/// <summary><c>/healthz</c> (the process is up) and <c>/readyz</c> (and the database answers).</summary>
public static class HealthApi
{
    /// <summary>Maps the health endpoints (anonymous).</summary>
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Ok(new { status = "ok" })).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/readyz", async (ScouterDatabase database, CancellationToken ct) =>
        {
            try
            {
                await using var connection = await database.OpenAsync(ct);
                await connection.ExecuteScalarAsync<int>(new CommandDefinition("select 1", cancellationToken: ct));
                return Results.Ok(new { status = "ready", database = database.Dialect.ToString().ToLowerInvariant() });
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return Problems.Create(StatusCodes.Status503ServiceUnavailable, "database_unavailable", "The database does not answer: " + ex.Message);
            }
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}
