using Dapper;
using Scouter.Server.Storage;
using Scouter.Server.Tests.Fixtures;
using Xunit;

namespace Scouter.Server.Tests.Storage;

public class MigratorTests
{
    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task Migrate_IsIdempotentAndCreatesTheSchema(SqlDialect dialect)
    {
        await using var db = await TestDatabase.CreateAsync(dialect);

        var again = await Migrator.MigrateAsync(db.Database, TestContext.Current.CancellationToken);

        Assert.Empty(again);
        await using var connection = await db.Database.OpenAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("select count(*) from profiles"));
        Assert.Contains("001_profiles.sql", await connection.QueryAsync<string>("select name from schema_migrations"));
    }

    [Theory]
    [InlineData("postgresql://u:p%40ss@db.example:6543/scouter?sslmode=require", "Host=db.example;Port=6543;Database=scouter;Username=u;Password=p@ss;SSL Mode=Require")]
    [InlineData("postgres://u@localhost/x", "Host=localhost;Port=5432;Database=x;Username=u")]
    [InlineData("Host=h;Database=d", "Host=h;Database=d")]
    public void DatabaseUri_BecomesNpgsqlConnectionString(string uri, string expected) =>
        Assert.Equal(expected, ScouterDatabase.ToNpgsqlConnectionString(uri));
}
