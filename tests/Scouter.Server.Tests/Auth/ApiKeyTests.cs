using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Scouter.Server.Auth;
using Scouter.Server.Storage;
using Scouter.Server.Tests.Fixtures;
using Xunit;
using static Scouter.Server.Tests.Auth.AuthTestKit;

namespace Scouter.Server.Tests.Auth;

public class ApiKeyTests
{
    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task ApiKey_CreateListRevoke_AuthenticatesThroughBothHeaders(SqlDialect dialect)
    {
        await using var server = await TestServer.StartAsync(dialect, map: MapProbe);

        var created = await server.CreateApiKeyAsync(TestServer.Grants(("s1", SpaceRole.Write), ("s2", SpaceRole.Read)), "ingest");

        Assert.Matches("^sk_scouter_[A-Za-z0-9_-]{43}$", created.Key);
        Assert.StartsWith(created.Prefix, created.Key, StringComparison.Ordinal);
        var viaHeader = server.CreateClient();
        viaHeader.DefaultRequestHeaders.Add("X-Scouter-Api-Key", created.Key);
        var viaBearer = server.CreateClient();
        viaBearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created.Key);
        foreach (var client in new[] { viaHeader, viaBearer })
        {
            var me = await WhoAmIAsync(client);
            Assert.Equal(("api_key:" + created.Id, "api_key", false), (me.Sub, me.Kind, me.Admin));
            Assert.Equal(["s1=write", "s2=read"], me.Spaces);
        }

        using var list = await server.Admin.GetAsync("/api/v1/api-keys");
        var listed = Assert.Single(await list.ReadAsync<List<ApiKeyView>>());
        Assert.Equal((created.Id, "ingest", created.Prefix, "admin"), (listed.Id, listed.Name, listed.Prefix, listed.CreatedBy));
        Assert.DoesNotContain(created.Key, await list.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using (var revoke = await server.Admin.DeleteAsync($"/api/v1/api-keys/{created.Id}")) Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        using (var revoked = await viaHeader.GetAsync(Probe)) await AssertProblemAsync(revoked, HttpStatusCode.Unauthorized, "invalid_api_key");
        using (var revokedBearer = await viaBearer.GetAsync(Probe)) await AssertProblemAsync(revokedBearer, HttpStatusCode.Unauthorized, "invalid_api_key");
        using (var missing = await server.Admin.DeleteAsync("/api/v1/api-keys/nope")) await AssertProblemAsync(missing, HttpStatusCode.NotFound, "api_key_not_found");

        var unknown = server.CreateClient();
        unknown.DefaultRequestHeaders.Add("X-Scouter-Api-Key", "sk_scouter_" + new string('A', 43));
        using (var rejected = await unknown.GetAsync(Probe)) await AssertProblemAsync(rejected, HttpStatusCode.Unauthorized, "invalid_api_key");
    }

    [Fact]
    public async Task ApiKey_StopsWorkingAtItsExpiry()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));
        await using var server = await TestServer.StartAsync(services: s => s.AddSingleton<TimeProvider>(time), map: MapProbe);
        var key = await server.CreateApiKeyAsync(TestServer.Grants(("s1", SpaceRole.Read)), expiresAt: time.GetUtcNow().AddMinutes(10));
        var client = server.CreateClient();
        client.DefaultRequestHeaders.Add("X-Scouter-Api-Key", key.Key);
        Assert.Equal("api_key", (await WhoAmIAsync(client)).Kind);

        time.Advance(TimeSpan.FromMinutes(10));

        using var expired = await client.GetAsync(Probe);
        await AssertProblemAsync(expired, HttpStatusCode.Unauthorized, "invalid_api_key");
        using var past = await server.Admin.PostJsonAsync("/api/v1/api-keys", new CreateApiKeyRequest { Name = "x", Spaces = new() { ["s1"] = SpaceRole.Read }, ExpiresAt = time.GetUtcNow() });
        await AssertProblemAsync(past, HttpStatusCode.BadRequest, "invalid_expiry");
    }

    [Fact]
    public async Task ApiKey_RevokedOnAnotherReplica_IsRefusedOnceTheCacheEntryExpires()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));
        await using var db = await TestDatabase.CreateAsync(SqlDialect.Postgres);
        await using var a = await TestServer.StartAsync(db, services: s => s.AddSingleton<TimeProvider>(time), map: MapProbe);
        await using var b = await TestServer.StartAsync(db, services: s => s.AddSingleton<TimeProvider>(time), map: MapProbe);
        var key = await a.CreateApiKeyAsync(TestServer.Grants(("s1", SpaceRole.Write)));
        var onB = b.CreateClient();
        onB.DefaultRequestHeaders.Add("X-Scouter-Api-Key", key.Key);
        Assert.Equal("api_key", (await WhoAmIAsync(onB)).Kind);

        using (var revoke = await a.Admin.DeleteAsync($"/api/v1/api-keys/{key.Id}")) Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal("api_key", (await WhoAmIAsync(onB)).Kind);
        time.Advance(TimeSpan.FromSeconds(30));

        using var refused = await onB.GetAsync(Probe);
        await AssertProblemAsync(refused, HttpStatusCode.Unauthorized, "invalid_api_key");
    }

    [Fact]
    public async Task SpaceAdmin_ManagesOnlyKeysOfSpacesTheyAdminister()
    {
        await using var server = await TestServer.StartAsync();
        var spaceAdmin = await server.CreateUserClientAsync("sa", TestServer.Grants(("s1", SpaceRole.Admin), ("s2", SpaceRole.Write)));
        var reader = await server.CreateUserClientAsync("reader", TestServer.Grants(("s1", SpaceRole.Read)));
        var adminKey = await server.CreateApiKeyAsync(TestServer.Grants(("s2", SpaceRole.Write)), "s2-key");

        using var own = await spaceAdmin.PostJsonAsync("/api/v1/api-keys", new CreateApiKeyRequest { Name = "mine", Spaces = new() { ["s1"] = SpaceRole.Write } });
        Assert.Equal(HttpStatusCode.Created, own.StatusCode);
        var ownKey = await own.ReadAsync<CreatedApiKey>();
        using (var other = await spaceAdmin.PostJsonAsync("/api/v1/api-keys", new CreateApiKeyRequest { Name = "x", Spaces = new() { ["s1"] = SpaceRole.Read, ["s2"] = SpaceRole.Read } }))
            await AssertProblemAsync(other, HttpStatusCode.Forbidden, "forbidden");
        using (var wildcard = await spaceAdmin.PostJsonAsync("/api/v1/api-keys", new CreateApiKeyRequest { Name = "x", Spaces = new() { ["*"] = SpaceRole.Read } }))
            await AssertProblemAsync(wildcard, HttpStatusCode.Forbidden, "forbidden");
        using (var byReader = await reader.PostJsonAsync("/api/v1/api-keys", new CreateApiKeyRequest { Name = "x", Spaces = new() { ["s1"] = SpaceRole.Read } }))
            await AssertProblemAsync(byReader, HttpStatusCode.Forbidden, "forbidden");

        using var list = await spaceAdmin.GetAsync("/api/v1/api-keys");
        Assert.Equal([ownKey.Id], (await list.ReadAsync<List<ApiKeyView>>()).Select(k => k.Id));
        using (var foreign = await spaceAdmin.DeleteAsync($"/api/v1/api-keys/{adminKey.Id}")) await AssertProblemAsync(foreign, HttpStatusCode.Forbidden, "forbidden");
        using (var mine = await spaceAdmin.DeleteAsync($"/api/v1/api-keys/{ownKey.Id}")) Assert.Equal(HttpStatusCode.NoContent, mine.StatusCode);

        var keyClient = await server.CreateApiKeyClientAsync(TestServer.Grants(("s1", SpaceRole.Admin)));
        using (var byKey = await keyClient.GetAsync("/api/v1/api-keys")) await AssertProblemAsync(byKey, HttpStatusCode.Forbidden, "forbidden");
        using (var usersByKey = await keyClient.GetAsync("/api/v1/users")) await AssertProblemAsync(usersByKey, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task ApiKey_InvalidRequests_AreValidationProblems()
    {
        await using var server = await TestServer.StartAsync();

        using var noSpaces = await server.Admin.PostJsonAsync("/api/v1/api-keys", new CreateApiKeyRequest { Name = "x", Spaces = [] });
        using var noName = await server.Admin.PostJsonAsync("/api/v1/api-keys", new CreateApiKeyRequest { Spaces = new() { ["s"] = SpaceRole.Read } });
        using var badSpace = await server.Admin.PostJsonAsync("/api/v1/api-keys", new CreateApiKeyRequest { Name = "x", Spaces = new() { ["a=b"] = SpaceRole.Read } });

        await AssertProblemAsync(noSpaces, HttpStatusCode.BadRequest, "invalid_spaces");
        await AssertProblemAsync(noName, HttpStatusCode.BadRequest, "invalid_api_key_name");
        await AssertProblemAsync(badSpace, HttpStatusCode.BadRequest, "invalid_spaces");
    }
}
