namespace Scouter.Server.Storage;

/// <summary>Applies pending migrations before the server accepts requests (hosted services start in order, before the listener).</summary>
internal sealed partial class MigrationService(ScouterDatabase database, ILogger<MigrationService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var applied = await Migrator.MigrateAsync(database, cancellationToken);
        if (applied.Count > 0) LogApplied(logger, database.Dialect, string.Join(", ", applied));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Database ({Dialect}) migrated: {Migrations}")]
    private static partial void LogApplied(ILogger logger, SqlDialect dialect, string migrations);
}
