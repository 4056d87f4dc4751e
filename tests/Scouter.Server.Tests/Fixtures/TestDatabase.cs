using Npgsql;
using Scouter.Server.Storage;

namespace Scouter.Server.Tests.Fixtures;

/// <summary>
/// A fresh, migrated database for one test class: a SQLite file in a temp directory, or a new
/// PostgreSQL database on the local test server (<c>SCOUTER_TEST_PG</c>, default
/// <c>postgresql://scouter:scouter@127.0.0.1:55432/scouter_test</c>, started by scripts/services.sh),
/// dropped on dispose.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string? _postgresName;
    private readonly string? _directory;

    private TestDatabase(ScouterDatabase database, string? postgresName, string? directory, string? uri)
    {
        Database = database;
        _postgresName = postgresName;
        _directory = directory;
        PostgresUri = uri;
    }

    /// <summary>The migrated database.</summary>
    internal ScouterDatabase Database { get; }

    /// <summary>The PostgreSQL URI of this database (null for SQLite), for starting servers on it.</summary>
    public string? PostgresUri { get; }

    /// <summary>The SQLite data directory (null for PostgreSQL).</summary>
    public string? DataDir => _directory;

    /// <summary>The admin URI of the local PostgreSQL test server.</summary>
    public static string AdminUri => Environment.GetEnvironmentVariable("SCOUTER_TEST_PG") ?? "postgresql://scouter:scouter@127.0.0.1:55432/scouter_test";

    /// <summary>Creates and migrates a database of <paramref name="dialect"/>.</summary>
    internal static async Task<TestDatabase> CreateAsync(SqlDialect dialect)
    {
        TestDatabase db;
        if (dialect == SqlDialect.Sqlite)
        {
            var dir = Directory.CreateTempSubdirectory("scouter-db-").FullName;
            db = new TestDatabase(ScouterDatabase.ForSqlite(Path.Combine(dir, "scouter.db")), null, dir, null);
        }
        else
        {
            var name = "scouter_t_" + Guid.NewGuid().ToString("N")[..16];
            var admin = ScouterDatabase.ToNpgsqlConnectionString(AdminUri);
            try
            {
                await using var connection = new NpgsqlConnection(admin);
                await connection.OpenAsync();
                await using var create = new NpgsqlCommand($"create database {name}", connection);
                await create.ExecuteNonQueryAsync();
            }
            catch (NpgsqlException ex)
            {
                throw new InvalidOperationException($"PostgreSQL test server not reachable at {AdminUri}: run scripts/services.sh first. ({ex.Message})", ex);
            }
            var uri = new UriBuilder(AdminUri) { Path = "/" + name }.Uri.ToString();
            db = new TestDatabase(ScouterDatabase.ForPostgres(ScouterDatabase.ToNpgsqlConnectionString(uri)), name, null, uri);
        }
        await Migrator.MigrateAsync(db.Database);
        return db;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        if (_postgresName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(ScouterDatabase.ToNpgsqlConnectionString(AdminUri));
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"drop database if exists {_postgresName} with (force)", connection);
            await drop.ExecuteNonQueryAsync();
        }
        if (_directory is not null)
        {
            try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
        }
    }
}
