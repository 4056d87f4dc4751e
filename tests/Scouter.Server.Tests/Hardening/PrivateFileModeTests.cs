using Scouter.Server.Auth;
using Scouter.Server.Tests.Fixtures;
using Scouter.Testing;
using Xunit;

namespace Scouter.Server.Tests.Hardening;

/// <summary>
/// The SQLite database (password and key hashes) and the generated JWT signing key are created
/// owner-only on Unix: files 0600, the data directory the server creates 0700.
/// </summary>
public sealed class PrivateFileModeTests
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task FirstStart_CreatesDataDirectory0700_AndDatabaseAndSigningKey0600()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes only.");
        var ct = TestContext.Current.CancellationToken;
        var root = Directory.CreateTempSubdirectory("scouter-modes-").FullName;
        try
        {
            var dataDir = Path.Combine(root, "data");
            var app = ScouterServer.Build([], o =>
            {
                o.Port = 0;
                o.DataDir = dataDir;
                o.DatabaseUri = null;
                o.AdminPassword = TestServer.AdminPassword;
            }, s => s.AddTestOutputLogging());
            await using (app)
            {
                await app.StartAsync(ct);
                // A login writes (refresh token), so the WAL files exist too.
                using var client = new HttpClient { BaseAddress = new Uri(ScouterServer.Url(app)) };
                using var login = await client.PostAsync("/api/v1/auth/token",
                    DataTestServer.Json($$"""{"username":"admin","password":"{{TestServer.AdminPassword}}"}"""), ct);
                Assert.True(login.IsSuccessStatusCode, $"login: {(int)login.StatusCode}");

                Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(dataDir));
                Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(Path.Combine(dataDir, "scouter.db")));
                Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(Path.Combine(dataDir, SigningKeyProvider.KeyFileName)));
                foreach (var sidecar in new[] { "scouter.db-wal", "scouter.db-shm" })
                {
                    var path = Path.Combine(dataDir, sidecar);
                    Assert.True(File.Exists(path), sidecar + " exists");
                    Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(path));
                }
                await app.StopAsync(ct);
            }
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }
}
