using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scouter.Server.Auth;
using Scouter.Server.Storage;
using Scouter.Server.Tests.Fixtures;
using Xunit;
using static Scouter.Server.Tests.Auth.AuthTestKit;
using Scouter.Testing;

namespace Scouter.Server.Tests.Auth;

public class SigningKeyAndBootstrapTests
{
    private const int GeneratedPasswordEvent = 402;

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task Bootstrap_WithoutPassword_LogsAGeneratedPasswordOnce(SqlDialect dialect)
    {
        await using var db = await TestDatabase.CreateAsync(dialect);
        var logs = new TestLoggerProvider();
        var dataDir = db.DataDir ?? Directory.CreateTempSubdirectory("scouter-srv-").FullName;
        string password;
        await using (var app = await StartRawAsync(db, dataDir, logs))
        {
            var entry = Assert.Single(logs.WithEventId(GeneratedPasswordEvent));
            Assert.Equal(LogLevel.Warning, entry.Level);
            password = Assert.IsType<string>(entry.Values["Password"]);
            Assert.True(password.Length >= 20);
            using var client = new HttpClient { BaseAddress = new Uri(ScouterServer.Url(app)) };
            using var login = await LoginRawAsync(client, "admin", password);
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }

        var again = new TestLoggerProvider();
        await using (var app = await StartRawAsync(db, dataDir, again))
        {
            Assert.Empty(again.WithEventId(GeneratedPasswordEvent));
            Assert.DoesNotContain(again.Entries, e => e.Message.Contains(password, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Bootstrap_ReplicasStartingTogether_CreateTheAdminOnce()
    {
        await using var db = await TestDatabase.CreateAsync(SqlDialect.Postgres);
        var logs = new TestLoggerProvider();
        var dirs = Enumerable.Range(0, 3).Select(_ => Directory.CreateTempSubdirectory("scouter-srv-").FullName).ToArray();

        var apps = await Task.WhenAll(dirs.Select(d => StartRawAsync(db, d, logs)));
        try
        {
            Assert.Single(logs.WithEventId(GeneratedPasswordEvent));
        }
        finally
        {
            foreach (var app in apps) await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task GeneratedKey_IsWrittenPrivatelyAndReusedAcrossRestarts()
    {
        await using var db = await TestDatabase.CreateAsync(SqlDialect.Sqlite);
        TokenResponse tokens;
        await using (var first = await TestServer.StartAsync(db, map: MapProbe))
        {
            tokens = await first.LoginAsync("admin", TestServer.AdminPassword);
        }
        var keyFile = Path.Combine(db.DataDir!, SigningKeyProvider.KeyFileName);
        Assert.True(File.Exists(keyFile));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        var keyText = await File.ReadAllTextAsync(keyFile);
        Assert.Equal(64, Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(keyText.Trim()).Length);

        await using var second = await TestServer.StartAsync(db, map: MapProbe);

        Assert.Equal(keyText, await File.ReadAllTextAsync(keyFile));
        Assert.Equal("admin", (await WhoAmIAsync(second.CreateClient(tokens.AccessToken))).Sub);
    }

    [Fact]
    public async Task GeneratedKey_IsSharedThroughPostgres_NotWrittenToTheDataDirectory()
    {
        await using var db = await TestDatabase.CreateAsync(SqlDialect.Postgres);
        await using var a = await TestServer.StartAsync(db, map: MapProbe);
        await using var b = await TestServer.StartAsync(db, map: MapProbe);

        var tokens = await a.LoginAsync("admin", TestServer.AdminPassword);

        Assert.Equal("admin", (await WhoAmIAsync(b.CreateClient(tokens.AccessToken))).Sub);
        Assert.False(File.Exists(Path.Combine(a.DataDir, SigningKeyProvider.KeyFileName)));
        Assert.False(File.Exists(Path.Combine(b.DataDir, SigningKeyProvider.KeyFileName)));
    }

    [Fact]
    public async Task ConfiguredSecret_SignsTokens_AndDifferentSecretsDoNotAccept()
    {
        await using var db = await TestDatabase.CreateAsync(SqlDialect.Sqlite);
        var secret = new string('k', 40);
        TokenResponse tokens;
        await using (var first = await TestServer.StartAsync(db, o => o.JwtSecret = secret, map: MapProbe))
        {
            tokens = await first.LoginAsync("admin", TestServer.AdminPassword);
            Assert.Equal("admin", (await WhoAmIAsync(first.CreateClient(tokens.AccessToken))).Sub);
        }
        Assert.False(File.Exists(Path.Combine(db.DataDir!, SigningKeyProvider.KeyFileName)));

        await using var other = await TestServer.StartAsync(db, o => o.JwtSecret = new string('x', 40), map: MapProbe);
        using var rejected = await other.CreateClient(tokens.AccessToken).GetAsync(Probe);
        await AssertProblemAsync(rejected, HttpStatusCode.Unauthorized, "invalid_token");
    }

    [Theory]
    [InlineData("too-short-secret", null, "SCOUTER_JWT_SECRET")]
    [InlineData(null, "short", "SCOUTER_ADMIN_PASSWORD")]
    public void WeakSettings_RefuseToBuildTheServer(string? secret, string? adminPassword, string named)
    {
        var dir = Directory.CreateTempSubdirectory("scouter-srv-").FullName;
        try
        {
            var error = Assert.Throws<InvalidOperationException>(() => ScouterServer.Build([], o =>
            {
                o.Port = 0;
                o.DataDir = dir;
                o.JwtSecret = secret;
                o.AdminPassword = adminPassword;
            }));
            Assert.Contains(named, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<Microsoft.AspNetCore.Builder.WebApplication> StartRawAsync(TestDatabase db, string dataDir, TestLoggerProvider logs)
    {
        var app = ScouterServer.Build([], o =>
        {
            o.Port = 0;
            o.DataDir = dataDir;
            o.DatabaseUri = db.PostgresUri;
            o.AdminPassword = null;
        }, s => s.AddTestOutputLogging().AddSingleton<ILoggerProvider>(logs));
        await app.StartAsync();
        return app;
    }
}
