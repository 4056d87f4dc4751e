using Scouter.Server.Storage;
using Xunit;

namespace Scouter.Server.Tests.Fixtures;

/// <summary>One migrated database per test class (tests use their own spaces/uids so they can share it).</summary>
public abstract class DatabaseFixture : IAsyncLifetime
{
    private protected DatabaseFixture(SqlDialect dialect) => Dialect = dialect;

    internal SqlDialect Dialect { get; }

    public TestDatabase Db { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Db = await TestDatabase.CreateAsync(Dialect);

    public async ValueTask DisposeAsync()
    {
        await Db.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

/// <summary>Theory data: every store the server supports.</summary>
internal static class Stores
{
    public static TheoryData<SqlDialect> Both => [SqlDialect.Sqlite, SqlDialect.Postgres];
}

public sealed class SqliteDatabaseFixture() : DatabaseFixture(SqlDialect.Sqlite);

public sealed class PostgresDatabaseFixture() : DatabaseFixture(SqlDialect.Postgres);
