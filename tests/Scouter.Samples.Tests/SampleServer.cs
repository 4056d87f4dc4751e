using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Scouter.Client;
using Scouter.Server;
using Xunit;
using Scouter.Testing;

namespace Scouter.Samples.Tests;

/// <summary>A real in-process Scouter server (Kestrel on a free port, SQLite in a temp directory).</summary>
internal sealed class SampleServer : IAsyncDisposable
{
    public const string AdminPassword = "samples-admin-password-1";

    private SampleServer(WebApplication app, string dataDir)
    {
        App = app;
        DataDir = dataDir;
        Url = ScouterServer.Url(app);
    }

    public WebApplication App { get; }

    public string DataDir { get; }

    public string Url { get; }

    /// <summary>Arguments that point a sample at this server with the admin credentials, on a free port.</summary>
    public string[] SampleArgs(params string[] extra) =>
    [
        "--urls=http://127.0.0.1:0",
        $"--SCOUTER_SERVER_URI={Url}",
        "--SCOUTER_USERNAME=admin",
        $"--SCOUTER_PASSWORD={AdminPassword}",
        "--Logging:LogLevel:Default=Warning",
        .. extra,
    ];

    public ScouterClient AdminClient() => new(new ScouterClientOptions { ServerUri = Url, Username = "admin", Password = AdminPassword });

    public static async Task<SampleServer> StartAsync(Action<ServerOptions>? configure = null)
    {
        var dataDir = Directory.CreateTempSubdirectory("scouter-samples-").FullName;
        var app = ScouterServer.Build([], o =>
        {
            o.Port = 0;
            o.DataDir = dataDir;
            o.AdminPassword = AdminPassword;
            o.JwtSecret = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
            configure?.Invoke(o);
        }, s => s.AddTestOutputLogging());
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new SampleServer(app, dataDir);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file briefly; a leftover temp directory is harmless.
        }
    }
}
