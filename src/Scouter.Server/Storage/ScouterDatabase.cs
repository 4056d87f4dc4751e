using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Scouter.Server.Storage;

/// <summary>Which SQL dialect the store speaks.</summary>
internal enum SqlDialect
{
    /// <summary>Embedded SQLite (WAL mode).</summary>
    Sqlite,

    /// <summary>PostgreSQL.</summary>
    Postgres,
}

/// <summary>
/// Opens connections to the configured database and runs the migrations. SQLite: a file in the data
/// directory, WAL, one writer at a time (writes serialize on <see cref="WriteLock"/>). PostgreSQL:
/// a pooled <see cref="NpgsqlDataSource"/>.
/// </summary>
internal sealed class ScouterDatabase : IAsyncDisposable
{
    private readonly NpgsqlDataSource? _postgres;
    private readonly string? _sqliteConnectionString;

    private ScouterDatabase(SqlDialect dialect, NpgsqlDataSource? postgres, string? sqlite)
    {
        Dialect = dialect;
        _postgres = postgres;
        _sqliteConnectionString = sqlite;
    }

    /// <summary>The dialect.</summary>
    public SqlDialect Dialect { get; }

    /// <summary>
    /// SQLite allows one writer; transactions that write take this lock first so concurrent writers
    /// queue in process instead of failing with SQLITE_BUSY. Unused on PostgreSQL.
    /// </summary>
    public SemaphoreSlim WriteLock { get; } = new(1, 1);

    /// <summary>The database the options name: PostgreSQL when a URI is set, else SQLite in the data directory.</summary>
    public static ScouterDatabase Create(ServerOptions options)
    {
        if (options.UsesPostgres) return ForPostgres(ToNpgsqlConnectionString(options.DatabaseUri!));
        // The file holds password and key hashes: created owner-only (0600, its directory 0700) on Unix.
        PrivateFiles.CreateDirectory(options.DataDir);
        var path = Path.Combine(options.DataDir, "scouter.db");
        PrivateFiles.EnsureFile(path);
        return ForSqlite(path);
    }

    /// <summary>A PostgreSQL database from an Npgsql connection string.</summary>
    public static ScouterDatabase ForPostgres(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        return new ScouterDatabase(SqlDialect.Postgres, builder.Build(), null);
    }

    /// <summary>A SQLite database file.</summary>
    public static ScouterDatabase ForSqlite(string path)
    {
        var cs = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Cache = SqliteCacheMode.Private, Pooling = true, DefaultTimeout = 30 }.ToString();
        return new ScouterDatabase(SqlDialect.Sqlite, null, cs);
    }

    /// <summary>Opens a connection (SQLite: WAL, foreign keys on, busy timeout).</summary>
    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        if (_postgres is not null) return await _postgres.OpenConnectionAsync(cancellationToken);
        var connection = new SqliteConnection(_sqliteConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    /// <summary>
    /// Converts <c>postgresql://user:pass@host:port/db?opt=v</c> (or an Npgsql key=value string) to an
    /// Npgsql connection string.
    /// </summary>
    public static string ToNpgsqlConnectionString(string uri)
    {
        if (!uri.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) && !uri.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
            return uri;
        var parsed = new Uri(uri);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = parsed.Host,
            Port = parsed.IsDefaultPort || parsed.Port <= 0 ? 5432 : parsed.Port,
            Database = Uri.UnescapeDataString(parsed.AbsolutePath.TrimStart('/')),
        };
        if (parsed.UserInfo.Length > 0)
        {
            var parts = parsed.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2) builder.Password = Uri.UnescapeDataString(parts[1]);
        }
        foreach (var pair in parsed.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            builder[Uri.UnescapeDataString(kv[0])] = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : "true";
        }
        return builder.ConnectionString;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null) await _postgres.DisposeAsync();
        WriteLock.Dispose();
        if (_sqliteConnectionString is not null) SqliteConnection.ClearAllPools();
    }
}
