using System.Net;
using System.Text.Json;
using Dapper;
using Scouter.Server.Auth;
using Scouter.Server.Storage;
using Scouter.Server.Tests.Fixtures;
using Xunit;

namespace Scouter.Server.Tests.Apis;

/// <summary>
/// Every list route answers a caller scoped to one space with 200 and only that space's items, on
/// both stores (PostgreSQL once answered 500 to the alert list of anyone but a global admin).
/// </summary>
public sealed class SpaceScopedListTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record Fixture(TestServer Server, Guid UidA, Guid UidB);

    private const string SpaceA = "space-a";
    private const string SpaceB = "space-b";

    private static async Task<Fixture> StartAsync(SqlDialect dialect)
    {
        var server = await TestServer.StartAsync(dialect);
        var uidA = await RegisterAsync(server, TestProfiles.Custom(SpaceA));
        var uidB = await RegisterAsync(server, TestProfiles.Custom(SpaceB));
        await InsertAlertAsync(server.Database.Database, uidA, SpaceA);
        await InsertAlertAsync(server.Database.Database, uidB, SpaceB);
        return new Fixture(server, uidA, uidB);
    }

    private static async Task<Guid> RegisterAsync(TestServer server, DriftProfile profile)
    {
        using var response = await server.Admin.PostAsync("/api/v1/profiles", DataTestServer.Json(DataTestServer.RegisterBody(profile)), Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("uid").GetGuid();
    }

    private static async Task InsertAlertAsync(ScouterDatabase db, Guid uid, string space)
    {
        await using var connection = await db.OpenAsync(Ct);
        await connection.ExecuteAsync("""
            insert into alerts (uid, space, feature_or_metric, kind, zone, severity, status, created_at, updated_at, payload_json, notify_attempts)
            values (@uid, @space, 'mae', 'threshold', null, 'warning', 'firing', @now, @now, '{}', 0)
            """, new { uid = db.Id(uid), space, now = db.Time(Seed.T0) });
    }

    private static async Task<JsonElement> GetOkAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static List<string> Spaces(JsonElement items) => [.. items.EnumerateArray().Select(i => i.GetProperty("space").GetString()!)];

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task AlertList_ForASpaceScopedKey_IsOkAndHoldsOnlyThatSpace(SqlDialect dialect)
    {
        var f = await StartAsync(dialect);
        await using var _ = f.Server;
        var reader = await f.Server.CreateApiKeyClientAsync(TestServer.Grants((SpaceA, SpaceRole.Read)));

        var all = await GetOkAsync(reader, "/api/v1/alerts");
        Assert.Equal([SpaceA], Spaces(all.GetProperty("items")));
        Assert.Equal(1, all.GetProperty("total").GetInt64());

        var filtered = await GetOkAsync(reader, "/api/v1/alerts?space=" + SpaceA);
        Assert.Equal([SpaceA], Spaces(filtered.GetProperty("items")));
    }

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task AlertList_ForTheAdminWithASpaceFilter_IsOkAndHoldsOnlyThatSpace(SqlDialect dialect)
    {
        var f = await StartAsync(dialect);
        await using var _ = f.Server;

        var filtered = await GetOkAsync(f.Server.Admin, "/api/v1/alerts?space=" + SpaceB);
        Assert.Equal([SpaceB], Spaces(filtered.GetProperty("items")));
        var all = await GetOkAsync(f.Server.Admin, "/api/v1/alerts");
        Assert.Equal([SpaceA, SpaceB], Spaces(all.GetProperty("items")).Order());
    }

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task ProfileAndCheckLists_ForASpaceScopedKey_AreOkAndHoldOnlyThatSpace(SqlDialect dialect)
    {
        var f = await StartAsync(dialect);
        await using var _ = f.Server;
        var reader = await f.Server.CreateApiKeyClientAsync(TestServer.Grants((SpaceA, SpaceRole.Read)));

        var profiles = await GetOkAsync(reader, "/api/v1/profiles");
        Assert.Equal([SpaceA], Spaces(profiles.GetProperty("profiles")));
        var checks = await GetOkAsync(reader, $"/api/v1/profiles/{f.UidA}/checks");
        Assert.Equal(JsonValueKind.Array, checks.ValueKind);
        using var other = await reader.GetAsync($"/api/v1/profiles/{f.UidB}/checks", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
    }

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task ApiKeyList_ForASpaceAdmin_IsOkAndHoldsOnlyKeysOfThatSpace(SqlDialect dialect)
    {
        var f = await StartAsync(dialect);
        await using var _ = f.Server;
        await f.Server.CreateApiKeyAsync(TestServer.Grants((SpaceA, SpaceRole.Read)), name: "key-of-a");
        await f.Server.CreateApiKeyAsync(TestServer.Grants((SpaceB, SpaceRole.Read)), name: "key-of-b");
        var spaceAdmin = await f.Server.CreateUserClientAsync("alice", TestServer.Grants((SpaceA, SpaceRole.Admin)));

        var keys = await GetOkAsync(spaceAdmin, "/api/v1/api-keys");
        Assert.Equal(["key-of-a"], keys.EnumerateArray().Select(k => k.GetProperty("name").GetString()!));
    }

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task UserList_IsForbiddenToASpaceScopedUserAndOkForTheAdmin(SqlDialect dialect)
    {
        var f = await StartAsync(dialect);
        await using var _ = f.Server;
        var spaceUser = await f.Server.CreateUserClientAsync("bob", TestServer.Grants((SpaceA, SpaceRole.Read)));

        using var denied = await spaceUser.GetAsync("/api/v1/users", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        var users = await GetOkAsync(f.Server.Admin, "/api/v1/users");
        Assert.Equal(["admin", "bob"], users.EnumerateArray().Select(u => u.GetProperty("name").GetString()!).Order());
    }
}
