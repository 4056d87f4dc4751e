using System.Text.Json;
using Xunit;

namespace Scouter.Cli.Tests;

public sealed class LoginCommandTests(OperatorServer server) : IClassFixture<OperatorServer>
{
    [Fact]
    public async Task Login_WithPassword_SavesOwnerOnlyFile_ThatLaterCommandsUse()
    {
        // Only the config directory: everything else must come from the saved login.
        using var session = server.AdminSession().Without("SCOUTER_SERVER_URI", "SCOUTER_USERNAME", "SCOUTER_PASSWORD");

        var me = await session.JsonAsync("login", "--server", server.Url, "--username", "admin", "--password", OperatorServer.AdminPassword);

        Assert.Equal("admin", me.GetProperty("name").GetString());
        Assert.Equal("user", me.GetProperty("kind").GetString());
        Assert.Equal(server.Url, me.GetProperty("server").GetString());
        Assert.Equal(session.CredentialsFile, me.GetProperty("credentials_file").GetString());
        Assert.True(File.Exists(session.CredentialsFile));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(session.CredentialsFile));
        }
        using (var saved = JsonDocument.Parse(await File.ReadAllTextAsync(session.CredentialsFile, TestContext.Current.CancellationToken)))
        {
            Assert.Equal(server.Url, saved.RootElement.GetProperty("server").GetString());
            Assert.Equal("admin", saved.RootElement.GetProperty("username").GetString());
        }

        var list = await session.JsonAsync("profile", "list", "--space", OperatorServer.UniqueSpace());
        Assert.Equal(0, list.GetProperty("profiles").GetArrayLength());
    }

    [Fact]
    public async Task Login_WithApiKey_SavesTheKey_AndCommandsActWithItsRoles()
    {
        using var session = server.AdminSession().Without("SCOUTER_USERNAME", "SCOUTER_PASSWORD");
        var space = OperatorServer.UniqueSpace();
        var key = await server.CreateApiKeyAsync(space, "read");

        var me = await session.JsonAsync("login", "--api-key", key);

        Assert.Equal("api_key", me.GetProperty("kind").GetString());
        using (var saved = JsonDocument.Parse(await File.ReadAllTextAsync(session.CredentialsFile, TestContext.Current.CancellationToken)))
        {
            Assert.Equal(key, saved.RootElement.GetProperty("api_key").GetString());
            Assert.Equal(JsonValueKind.Null, saved.RootElement.GetProperty("password").ValueKind);
        }
        var uid = await server.RegisterAsync(OperatorServer.Mae(space));
        var listed = await session.JsonAsync("profile", "list", "--space", space);
        Assert.Equal(uid.ToString(), Assert.Single(listed.GetProperty("profiles").EnumerateArray()).GetProperty("uid").GetString());
        // A read key may not run checks: the server's refusal, exit 3.
        (await session.RunAsync("check", "run", "--uid", uid.ToString())).AssertFailed(3, "403");
    }

    [Fact]
    public async Task Login_CreatesConfigDirectoryOwnerOnly()
    {
        using var session = server.AdminSession();
        var nested = Path.Combine(session.ConfigDir, "nested", "scouter");
        session.With("SCOUTER_CONFIG_DIR", nested);

        var result = await session.RunAsync("login", "--server", server.Url, "--username", "admin");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("as admin", result.Out);
        Assert.True(File.Exists(Path.Combine(nested, "credentials.json")));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(nested));
        }
    }

    [Fact]
    public async Task Login_WrongPassword_Exit3WithServerCode_AndSavesNothing()
    {
        using var session = server.AdminSession();

        var result = await session.RunAsync("login", "--server", server.Url, "--username", "admin", "--password", "not-the-password");

        result.AssertFailed(3, "401", "invalid_credentials");
        Assert.Empty(result.Out);
        Assert.False(File.Exists(session.CredentialsFile));
    }

    [Fact]
    public async Task Login_ApiKeyAndUsername_Exit2NamingTheOptions()
    {
        using var session = server.AdminSession();

        var result = await session.RunAsync("login", "--server", server.Url, "--api-key", "k", "--username", "admin");

        result.AssertFailed(2, "--api-key", "--username");
    }

    [Fact]
    public async Task Commands_WithoutLoginOrVariables_Exit2SayingHowToLogIn()
    {
        using var session = server.AdminSession().Without("SCOUTER_USERNAME", "SCOUTER_PASSWORD");

        var result = await session.RunAsync("profile", "list");

        result.AssertFailed(2, "scouter login");
    }

    [Fact]
    public async Task SavedLogin_IsNotSentToAnotherServerNamedByTheEnvironment()
    {
        using var session = server.AdminSession().Without("SCOUTER_USERNAME", "SCOUTER_PASSWORD");
        Assert.Equal(0, (await session.RunAsync("login", "--server", server.Url, "--username", "admin", "--password", OperatorServer.AdminPassword)).ExitCode);
        var elsewhere = $"http://127.0.0.1:{OperatorServer.ClosedPort()}";

        var result = await session.With("SCOUTER_SERVER_URI", elsewhere).RunAsync("profile", "list");

        result.AssertFailed(2, "SCOUTER_SERVER_URI", elsewhere);
    }

    [Fact]
    public async Task DamagedCredentialsFile_Exit2NamingIt_UnlessTheEnvironmentSetsEverything()
    {
        using var session = server.AdminSession();
        await File.WriteAllTextAsync(session.CredentialsFile, "{not json", TestContext.Current.CancellationToken);

        var configured = await session.RunAsync("alerts", "list", "--json");
        var fromFile = await session.Without("SCOUTER_USERNAME", "SCOUTER_PASSWORD").RunAsync("alerts", "list");

        Assert.True(configured.ExitCode == 0, configured.Error);
        fromFile.AssertFailed(2, session.CredentialsFile, "scouter login");
    }

    [Fact]
    public async Task ServerDown_Exit1_OneLineNamingTheUrl()
    {
        var port = OperatorServer.ClosedPort();
        using var session = server.AdminSession().With("SCOUTER_SERVER_URI", $"http://127.0.0.1:{port}");

        var result = await session.RunAsync("alerts", "list");

        result.AssertFailed(1, $"127.0.0.1:{port}", "network_error");
        Assert.Empty(result.Out);
    }
}
