using System.Data.Common;
using Npgsql;
using Scouter.Server.Storage;

namespace Scouter.VolumeBench;

/// <summary>
/// Where one run's server stores its data: a new PostgreSQL database (dropped on dispose), the
/// database the command line names (kept), or SQLite in a new data directory (deleted on dispose).
/// </summary>
internal sealed class BenchDatabase : IAsyncDisposable
{
    private readonly string? _createdName;
    private readonly string _adminUri;

    private BenchDatabase(string? uri, string? createdName, string adminUri, string description)
    {
        Uri = uri;
        _createdName = createdName;
        _adminUri = adminUri;
        Description = description;
    }

    /// <summary>The server's <c>DatabaseUri</c> (null: SQLite in <see cref="DataDir"/>).</summary>
    public string? Uri { get; }

    public string DataDir { get; } = Directory.CreateTempSubdirectory("scouter-volume-").FullName;

    public string Description { get; }

    public static async Task<BenchDatabase> CreateAsync(VolumeSettings settings)
    {
        if (settings.Sqlite) return new BenchDatabase(null, null, settings.PostgresAdminUri, "SQLite in a new data directory");
        if (settings.DatabaseUri is { } given) return new BenchDatabase(given, null, settings.PostgresAdminUri, "PostgreSQL database of --database-uri");
        var name = "scouter_bench_" + Guid.NewGuid().ToString("N")[..12];
        try
        {
            await AdminAsync(settings.PostgresAdminUri, $"create database {name}");
        }
        catch (NpgsqlException ex)
        {
            throw new InvalidOperationException($"PostgreSQL not reachable at {settings.PostgresAdminUri}: run scripts/services.sh first. ({ex.Message})", ex);
        }
        var uri = new UriBuilder(settings.PostgresAdminUri) { Path = "/" + name }.Uri.ToString();
        return new BenchDatabase(uri, name, settings.PostgresAdminUri, $"PostgreSQL, new database {name}");
    }

    /// <summary>Stored rows of the PSI and custom record tables.</summary>
    public static async Task<(long Psi, long Custom)> CountRowsAsync(ScouterDatabase database)
    {
        await using var connection = await database.OpenAsync();
        return (await ScalarAsync(connection, "select count(*) from psi_counts"), await ScalarAsync(connection, "select count(*) from custom_values"));
    }

    /// <summary>
    /// Record rows the hourly roll-ups have not folded yet, or null when the schema has no roll-ups
    /// (PostgreSQL: rows written at or above the watermark transaction id; SQLite: rows above each table's watermark seq).
    /// </summary>
    public static async Task<long?> PendingRollupRowsAsync(ScouterDatabase database)
    {
        await using var connection = await database.OpenAsync();
        if (database.Dialect == SqlDialect.Postgres)
        {
            if (await ScalarAsync(connection, "select count(*) from pg_tables where tablename = 'rollup_state'") == 0) return null;
            const string Mark = "(select watermark from rollup_state where name = 'records')";
            return await ScalarAsync(connection, $"select (select count(*) from psi_counts where xid >= {Mark}) + (select count(*) from custom_values where xid >= {Mark})");
        }
        if (await ScalarAsync(connection, "select count(*) from sqlite_master where name = 'rollup_state'") == 0) return null;
        static string Above(string table) => $"(select count(*) from {table} where seq > (select watermark from rollup_state where name = '{table}'))";
        return await ScalarAsync(connection, $"select {Above("psi_counts")} + {Above("custom_values")}");
    }

    public async ValueTask DisposeAsync()
    {
        if (_createdName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await AdminAsync(_adminUri, $"drop database if exists {_createdName} with (force)");
        }
        Directory.Delete(DataDir, recursive: true);
    }

    private static async Task AdminAsync(string adminUri, string sql)
    {
        await using var connection = new NpgsqlConnection(ScouterDatabase.ToNpgsqlConnectionString(adminUri));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
