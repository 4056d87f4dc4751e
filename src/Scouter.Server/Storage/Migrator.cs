using System.Globalization;
using Dapper;

namespace Scouter.Server.Storage;

/// <summary>
/// Applies the embedded SQL scripts of the database's dialect (<c>Migrations/&lt;dialect&gt;/NNN_name.sql</c>)
/// in name order, each once, each in its own transaction, recording them in <c>schema_migrations</c>.
/// Concurrent replicas starting together are serialized by an advisory lock (PostgreSQL) or the
/// write lock (SQLite).
/// </summary>
internal static class Migrator
{
    private const long AdvisoryLockKey = 0x5C0_07E2;

    /// <summary>Applies the pending migrations; returns the names applied.</summary>
    public static async Task<IReadOnlyList<string>> MigrateAsync(ScouterDatabase database, CancellationToken cancellationToken = default)
    {
        var prefix = database.Dialect == SqlDialect.Postgres ? "migrations/postgres/" : "migrations/sqlite/";
        var assembly = typeof(Migrator).Assembly;
        var scripts = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();

        await using var connection = await database.OpenAsync(cancellationToken);
        await database.WriteLock.WaitAsync(cancellationToken);
        try
        {
            if (database.Dialect == SqlDialect.Postgres)
                await connection.ExecuteAsync("select pg_advisory_lock(@key)", new { key = AdvisoryLockKey });
            await connection.ExecuteAsync("create table if not exists schema_migrations (name text primary key, applied_at text not null)");
            var applied = (await connection.QueryAsync<string>("select name from schema_migrations")).ToHashSet(StringComparer.Ordinal);
            var done = new List<string>();
            foreach (var resource in scripts)
            {
                var name = resource[prefix.Length..];
                if (applied.Contains(name)) continue;
                string sql;
                await using (var stream = assembly.GetManifestResourceStream(resource)!)
                using (var reader = new StreamReader(stream))
                {
                    sql = await reader.ReadToEndAsync(cancellationToken);
                }
                await using var tx = await connection.BeginTransactionAsync(cancellationToken);
                await connection.ExecuteAsync(sql, transaction: tx);
                await connection.ExecuteAsync("insert into schema_migrations (name, applied_at) values (@name, @at)",
                    new { name, at = TimeProvider.System.GetUtcNow().ToString("O", CultureInfo.InvariantCulture) }, tx);
                await tx.CommitAsync(cancellationToken);
                done.Add(name);
            }
            return done;
        }
        finally
        {
            if (database.Dialect == SqlDialect.Postgres)
                await connection.ExecuteAsync("select pg_advisory_unlock(@key)", new { key = AdvisoryLockKey });
            database.WriteLock.Release();
        }
    }
}
