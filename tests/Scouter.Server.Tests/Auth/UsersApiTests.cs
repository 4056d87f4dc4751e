using System.Net;
using Scouter.Server.Auth;
using Scouter.Server.Storage;
using Scouter.Server.Tests.Fixtures;
using Xunit;
using static Scouter.Server.Tests.Auth.AuthTestKit;

namespace Scouter.Server.Tests.Auth;

public class UsersApiTests
{
    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task Users_CreateGetListUpdateDelete(SqlDialect dialect)
    {
        await using var server = await TestServer.StartAsync(dialect);
        var admin = server.Admin;

        using var created = await admin.PostJsonAsync("/api/v1/users", new CreateUserRequest { Name = "bob", Password = "bob-password", Spaces = new() { ["s1"] = SpaceRole.Write } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/v1/users/bob", created.Headers.Location?.OriginalString);
        var bob = await created.ReadAsync<UserView>();
        Assert.Equal(("bob", GlobalRole.None, false), (bob.Name, bob.GlobalRole, bob.Disabled));
        Assert.Equal(SpaceRole.Write, bob.Spaces["s1"]);
        Assert.DoesNotContain("password", await created.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using (var duplicate = await admin.PostJsonAsync("/api/v1/users", new CreateUserRequest { Name = "bob", Password = "bob-password" }))
            await AssertProblemAsync(duplicate, HttpStatusCode.Conflict, "user_exists");
        using (var weak = await admin.PostJsonAsync("/api/v1/users", new CreateUserRequest { Name = "carl", Password = "short" }))
            await AssertProblemAsync(weak, HttpStatusCode.BadRequest, "weak_password");
        using (var badName = await admin.PostJsonAsync("/api/v1/users", new CreateUserRequest { Name = "a b", Password = "long-enough" }))
            await AssertProblemAsync(badName, HttpStatusCode.BadRequest, "invalid_user_name");

        using var list = await admin.GetAsync("/api/v1/users");
        Assert.Equal(["admin", "bob"], (await list.ReadAsync<List<UserView>>()).Select(u => u.Name));

        using (var update = await admin.PutJsonAsync("/api/v1/users/bob", new UpdateUserRequest { Password = "new-bob-password", GlobalRole = GlobalRole.Admin }))
            Assert.Equal(GlobalRole.Admin, (await update.ReadAsync<UserView>()).GlobalRole);
        using (var get = await admin.GetAsync("/api/v1/users/bob"))
        {
            var fetched = await get.ReadAsync<UserView>();
            Assert.Equal((GlobalRole.Admin, SpaceRole.Write), (fetched.GlobalRole, fetched.Spaces["s1"]));
        }
        using (var oldPassword = await LoginRawAsync(server.CreateClient(), "bob", "bob-password"))
            await AssertProblemAsync(oldPassword, HttpStatusCode.Unauthorized, "invalid_credentials");
        await server.LoginAsync("bob", "new-bob-password");

        using (var delete = await admin.DeleteAsync("/api/v1/users/bob")) Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using (var gone = await admin.GetAsync("/api/v1/users/bob")) await AssertProblemAsync(gone, HttpStatusCode.NotFound, "user_not_found");
        using (var missing = await admin.PutJsonAsync("/api/v1/users/bob", new UpdateUserRequest { Disabled = true }))
            await AssertProblemAsync(missing, HttpStatusCode.NotFound, "user_not_found");
    }

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task LastAdmin_CannotBeDeletedDemotedOrDisabled(SqlDialect dialect)
    {
        await using var server = await TestServer.StartAsync(dialect);
        var admin = server.Admin;

        using (var delete = await admin.DeleteAsync("/api/v1/users/admin")) await AssertProblemAsync(delete, HttpStatusCode.Conflict, "last_admin");
        using (var demote = await admin.PutJsonAsync("/api/v1/users/admin", new UpdateUserRequest { GlobalRole = GlobalRole.None }))
            await AssertProblemAsync(demote, HttpStatusCode.Conflict, "last_admin");
        using (var disable = await admin.PutJsonAsync("/api/v1/users/admin", new UpdateUserRequest { Disabled = true }))
            await AssertProblemAsync(disable, HttpStatusCode.Conflict, "last_admin");

        await server.CreateUserClientAsync("second", globalRole: GlobalRole.Admin);
        using (var demoteNow = await admin.PutJsonAsync("/api/v1/users/admin", new UpdateUserRequest { GlobalRole = GlobalRole.None }))
            Assert.Equal(HttpStatusCode.OK, demoteNow.StatusCode);
        var second = server.CreateClient((await server.LoginAsync("second", "password-of-second")).AccessToken);
        using (var deleteLast = await second.DeleteAsync("/api/v1/users/second")) await AssertProblemAsync(deleteLast, HttpStatusCode.Conflict, "last_admin");
        using (var deleteOld = await second.DeleteAsync("/api/v1/users/admin")) Assert.Equal(HttpStatusCode.NoContent, deleteOld.StatusCode);
    }

    [Fact]
    public async Task Users_RequireGlobalAdmin()
    {
        await using var server = await TestServer.StartAsync();
        var spaceAdmin = await server.CreateUserClientAsync("sa", TestServer.Grants(("s1", SpaceRole.Admin)));

        using var list = await spaceAdmin.GetAsync("/api/v1/users");
        using var create = await spaceAdmin.PostJsonAsync("/api/v1/users", new CreateUserRequest { Name = "x", Password = "long-enough" });

        await AssertProblemAsync(list, HttpStatusCode.Forbidden, "forbidden");
        await AssertProblemAsync(create, HttpStatusCode.Forbidden, "forbidden");
    }
}
