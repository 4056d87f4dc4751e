using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using Scouter.Server.Auth;
using Scouter.Server.Storage;
using Scouter.Server.Tests.Fixtures;
using Xunit;

namespace Scouter.Server.Tests.Hardening;

/// <summary>
/// A server whose PostgreSQL database is dropped after start (the connections it holds are
/// terminated, new ones fail with 3D000): every route that needs the database answers 503
/// <c>storage_unavailable</c> with Retry-After, never 500, and <c>/readyz</c> says only "not ready".
/// </summary>
public sealed class StorageUnavailableTests
{
    private static readonly string[] DatabaseErrorFragments = ["3D000", "does not exist", "Npgsql", "Exception"];

    [Fact]
    public async Task DatabaseGone_LoginReadsDriftQueriesAndApiKeyChecks_Answer503WithRetryAfter()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await DataTestServer.StartAsync(SqlDialect.Postgres);
        var space = "s" + Guid.NewGuid().ToString("N")[..10];
        var uid = (await server.RegisterAsync(TestProfiles.Psi(space))).GetProperty("uid").GetGuid();
        // Minted but never used before the drop, so the key check has to ask the database.
        var keyClient = await server.ApiKeyClientAsync((space, SpaceRole.Read));

        await DropAsync(server.Db);

        var login = new JsonObject { ["username"] = "admin", ["password"] = TestServer.AdminPassword };
        await AssertStorageUnavailableAsync(await server.Anonymous.PostAsync("auth/token", DataTestServer.Json(login), ct));
        await AssertStorageUnavailableAsync(await server.Client.GetAsync($"profiles?space={space}", ct));
        await AssertStorageUnavailableAsync(await server.Client.GetAsync($"profiles/{uid}", ct));
        var from = DataTestServer.Start.AddHours(-1).ToString("O");
        var to = DataTestServer.Start.ToString("O");
        await AssertStorageUnavailableAsync(await server.Client.GetAsync($"drift/psi?uid={uid}&from={Uri.EscapeDataString(from)}&to={Uri.EscapeDataString(to)}", ct));
        await AssertStorageUnavailableAsync(await keyClient.GetAsync($"profiles?space={space}", ct));
    }

    [Fact]
    public async Task DatabaseGone_Readyz_Is503_WithoutTheDatabaseError()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await DataTestServer.StartAsync(SqlDialect.Postgres);
        var databaseName = DatabaseName(server.Db);
        using var probe = new HttpClient { BaseAddress = new Uri(server.Anonymous.BaseAddress!, "/") };

        await DropAsync(server.Db);

        // Twice: the first call meets the terminated pooled connection, the second a failed open (3D000).
        for (var i = 0; i < 2; i++)
        {
            using var response = await probe.GetAsync("readyz", ct);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            var text = await response.Content.ReadAsStringAsync(ct);
            Assert.Equal("database_unavailable", JsonDocument.Parse(text).RootElement.GetProperty("code").GetString());
            Assert.DoesNotContain(databaseName, text, StringComparison.Ordinal);
            foreach (var fragment in DatabaseErrorFragments) Assert.DoesNotContain(fragment, text, StringComparison.Ordinal);
        }
    }

    private static async Task AssertStorageUnavailableAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {text}");
            Assert.Equal("1", Assert.Single(response.Headers.GetValues("Retry-After")));
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("storage_unavailable", JsonDocument.Parse(text).RootElement.GetProperty("code").GetString());
            foreach (var fragment in DatabaseErrorFragments) Assert.DoesNotContain(fragment, text, StringComparison.Ordinal);
        }
    }

    private static string DatabaseName(TestDatabase database) => new Uri(database.PostgresUri!).AbsolutePath.TrimStart('/');

    /// <summary>Drops the server's database, terminating its open connections.</summary>
    private static async Task DropAsync(TestDatabase database)
    {
        await using var connection = new NpgsqlConnection(ScouterDatabase.ToNpgsqlConnectionString(TestDatabase.AdminUri));
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"drop database {DatabaseName(database)} with (force)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
