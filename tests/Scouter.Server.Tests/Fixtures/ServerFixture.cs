using Scouter.Server.Storage;
using Xunit;

namespace Scouter.Server.Tests.Fixtures;

/// <summary>One SQLite-backed server per test class.</summary>
public class ServerFixture : IAsyncLifetime
{
    public DataTestServer Server { get; private set; } = null!;

    private protected virtual SqlDialect Dialect => SqlDialect.Sqlite;

    public async ValueTask InitializeAsync() => Server = await DataTestServer.StartAsync(Dialect);

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

/// <summary>One PostgreSQL-backed server per test class.</summary>
public sealed class PostgresServerFixture : ServerFixture
{
    private protected override SqlDialect Dialect => SqlDialect.Postgres;
}
