using Npgsql;
using Scouter.Server.Storage;

namespace Scouter.IntegrationTests.Fixtures;

/// <summary>
/// A new, empty PostgreSQL database on the local test server (<c>SCOUTER_TEST_PG</c>, default
/// <c>postgresql://scouter:scouter@127.0.0.1:55432/scouter_test</c>, started by scripts/services.sh),
/// dropped on dispose. Servers started on it migrate it.
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    private readonly string _name;

    private PostgresDatabase(string name, string uri)
    {
        _name = name;
        Uri = uri;
    }

    /// <summary>The database's URI, for <c>SCOUTER_DATABASE_URI</c>.</summary>
    public string Uri { get; }

    /// <summary>The admin URI of the local PostgreSQL test server.</summary>
    public static string AdminUri => Environment.GetEnvironmentVariable("SCOUTER_TEST_PG") ?? "postgresql://scouter:scouter@127.0.0.1:55432/scouter_test";

    /// <summary>Creates the database.</summary>
    public static async Task<PostgresDatabase> CreateAsync()
    {
        var name = "scouter_i_" + Guid.NewGuid().ToString("N")[..16];
        try
        {
            await using var connection = new NpgsqlConnection(ScouterDatabase.ToNpgsqlConnectionString(AdminUri));
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"create database {name}", connection);
            await create.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException ex)
        {
            throw new InvalidOperationException($"PostgreSQL test server not reachable at {AdminUri}: run scripts/services.sh first. ({ex.Message})", ex);
        }
        return new PostgresDatabase(name, new UriBuilder(AdminUri) { Path = "/" + name }.Uri.ToString());
    }

    /// <summary>
    /// Updates the planner's statistics of every table, as autovacuum does a little after a bulk load:
    /// timings taken right after seeding then reflect a database in service, not one without statistics.
    /// </summary>
    public async Task AnalyzeAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(ScouterDatabase.ToNpgsqlConnectionString(Uri));
        await connection.OpenAsync(cancellationToken);
        await using var analyze = new NpgsqlCommand("analyze", connection);
        await analyze.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(ScouterDatabase.ToNpgsqlConnectionString(AdminUri));
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"drop database if exists {_name} with (force)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
