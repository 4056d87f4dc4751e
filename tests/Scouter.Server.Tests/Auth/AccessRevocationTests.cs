using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Scouter.Server.Auth;
using Scouter.Server.Storage;
using Scouter.Server.Tests.Fixtures;
using Xunit;
using static Scouter.Server.Tests.Auth.AuthTestKit;

namespace Scouter.Server.Tests.Auth;

/// <summary>
/// An access token is only as good as its user's current record: deleting, disabling, a password
/// change or a demotion applies to the token's next request, not when the token expires an hour later.
/// </summary>
public class AccessRevocationTests
{
    private static StringContent ProfileBody(string space, string name) =>
        DataTestServer.Json(DataTestServer.RegisterBody(TestProfiles.Psi(space, name)));

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task DeletedUser_TokenIsRefusedOnTheNextRequest(SqlDialect dialect)
    {
        await using var server = await TestServer.StartAsync(dialect, map: MapProbe);
        var ann = await server.CreateUserClientAsync("ann", TestServer.Grants(("s1", SpaceRole.Write)));
        Assert.Equal("ann", (await WhoAmIAsync(ann)).Sub);

        using (var delete = await server.Admin.DeleteAsync("/api/v1/users/ann")) Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);

        using var refused = await ann.GetAsync(Probe);
        await AssertProblemAsync(refused, HttpStatusCode.Unauthorized, "token_revoked");
    }

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task DisabledUser_TokenIsRefused_AndStaysRefusedWhenEnabledAgain(SqlDialect dialect)
    {
        await using var server = await TestServer.StartAsync(dialect, map: MapProbe);
        var ann = await server.CreateUserClientAsync("ann", TestServer.Grants(("s1", SpaceRole.Write)));
        Assert.Equal("ann", (await WhoAmIAsync(ann)).Sub);

        using (var disable = await server.Admin.PutJsonAsync("/api/v1/users/ann", new UpdateUserRequest { Disabled = true }))
            Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        using (var refused = await ann.GetAsync(Probe)) await AssertProblemAsync(refused, HttpStatusCode.Unauthorized, "token_revoked");

        // Enabling again does not revive tokens issued before the user was disabled: they must log in again.
        using (var enable = await server.Admin.PutJsonAsync("/api/v1/users/ann", new UpdateUserRequest { Disabled = false }))
            Assert.Equal(HttpStatusCode.OK, enable.StatusCode);
        using (var still = await ann.GetAsync(Probe)) await AssertProblemAsync(still, HttpStatusCode.Unauthorized, "token_revoked");
        var fresh = server.CreateClient((await server.LoginAsync("ann", "password-of-ann")).AccessToken);
        Assert.Equal("ann", (await WhoAmIAsync(fresh)).Sub);
    }

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task PasswordChange_RefusesEarlierTokens(SqlDialect dialect)
    {
        await using var server = await TestServer.StartAsync(dialect, map: MapProbe);
        var ann = await server.CreateUserClientAsync("ann", TestServer.Grants(("s1", SpaceRole.Read)));

        using (var change = await server.Admin.PutJsonAsync("/api/v1/users/ann", new UpdateUserRequest { Password = "another-password" }))
            Assert.Equal(HttpStatusCode.OK, change.StatusCode);

        using var refused = await ann.GetAsync(Probe);
        await AssertProblemAsync(refused, HttpStatusCode.Unauthorized, "token_revoked");
    }

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task UserDeletedAndCreatedAgain_OldTokenDoesNotWorkForTheNewUser(SqlDialect dialect)
    {
        await using var server = await TestServer.StartAsync(dialect, map: MapProbe);
        var oldAnn = await server.CreateUserClientAsync("ann", TestServer.Grants(("s1", SpaceRole.Admin)));
        using (var delete = await server.Admin.DeleteAsync("/api/v1/users/ann")) Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);

        var newAnn = await server.CreateUserClientAsync("ann", TestServer.Grants(("s2", SpaceRole.Read)));

        using (var refused = await oldAnn.GetAsync(Probe)) await AssertProblemAsync(refused, HttpStatusCode.Unauthorized, "token_revoked");
        Assert.Equal(["s2=read"], (await WhoAmIAsync(newAnn)).Spaces);
    }

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task DemotedUser_LosesTheSpaceGrantOnTheNextRequest(SqlDialect dialect)
    {
        await using var server = await TestServer.StartAsync(dialect, map: MapProbe);
        var ann = await server.CreateUserClientAsync("ann", TestServer.Grants(("s1", SpaceRole.Write)));
        using (var allowed = await ann.PostAsync("/api/v1/profiles", ProfileBody("s1", "first")))
            Assert.Equal(HttpStatusCode.Created, allowed.StatusCode);

        using (var demote = await server.Admin.PutJsonAsync("/api/v1/users/ann", new UpdateUserRequest { Spaces = new() { ["s1"] = SpaceRole.Read } }))
            Assert.Equal(HttpStatusCode.OK, demote.StatusCode);

        using (var forbidden = await ann.PostAsync("/api/v1/profiles", ProfileBody("s1", "second")))
            await AssertProblemAsync(forbidden, HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(["s1=read"], (await WhoAmIAsync(ann)).Spaces);
        using var read = await ann.GetAsync("/api/v1/profiles?space=s1");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task DemotedGlobalAdmin_LosesUserManagementOnTheNextRequest(SqlDialect dialect)
    {
        await using var server = await TestServer.StartAsync(dialect, map: MapProbe);
        var boss = await server.CreateUserClientAsync("boss", globalRole: GlobalRole.Admin);
        using (var allowed = await boss.GetAsync("/api/v1/users")) Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);

        using (var demote = await server.Admin.PutJsonAsync("/api/v1/users/boss", new UpdateUserRequest { GlobalRole = GlobalRole.None }))
            Assert.Equal(HttpStatusCode.OK, demote.StatusCode);

        using var forbidden = await boss.GetAsync("/api/v1/users");
        await AssertProblemAsync(forbidden, HttpStatusCode.Forbidden, "forbidden");
        Assert.False((await WhoAmIAsync(boss)).Admin);
    }

    [Fact]
    public async Task AnotherReplica_RefusesADisabledUsersToken_WithinTheCacheDuration()
    {
        await using var database = await TestDatabase.CreateAsync(SqlDialect.Postgres);
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var first = await TestServer.StartAsync(database, map: MapProbe);
        await using var second = await TestServer.StartAsync(database, services: s => s.AddSingleton<TimeProvider>(time), map: MapProbe);
        await first.CreateUserClientAsync("ann", TestServer.Grants(("s1", SpaceRole.Read)));
        var token = (await first.LoginAsync("ann", "password-of-ann")).AccessToken;
        var onSecond = second.CreateClient(token);
        Assert.Equal("ann", (await WhoAmIAsync(onSecond)).Sub); // the second replica now holds ann's record

        using (var disable = await first.Admin.PutJsonAsync("/api/v1/users/ann", new UpdateUserRequest { Disabled = true }))
            Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        time.Advance(UserSessions.CacheDuration);

        using var refused = await onSecond.GetAsync(Probe);
        await AssertProblemAsync(refused, HttpStatusCode.Unauthorized, "token_revoked");
    }
}
