using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Scouter.Client;
using Scouter.Server;
using Scouter.Testing;

namespace Scouter.IntegrationTests.Fixtures;

/// <summary>
/// A real Scouter server replica (Kestrel on a free loopback port) over a PostgreSQL database, with
/// its broker consumers configured by the test (<c>o => o.RedisAddress = ...</c>). Several replicas
/// may share one <see cref="PostgresDatabase"/> and one JWT secret.
/// </summary>
public sealed class BrokerTestServer : IAsyncDisposable
{
    /// <summary>Password of the bootstrap <c>admin</c> user.</summary>
    public const string AdminPassword = "broker-tests-admin-password";

    private static readonly string JwtSecret = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));

    private readonly string _dataDir;
    private bool _stopped;

    private BrokerTestServer(WebApplication app, string dataDir)
    {
        App = app;
        _dataDir = dataDir;
        Url = ScouterServer.Url(app);
    }

    /// <summary>The running app.</summary>
    public WebApplication App { get; }

    /// <summary>Base address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Url { get; }

    /// <summary>Starts a replica on <paramref name="database"/>; <paramref name="configure"/> enables its broker consumers.</summary>
    public static async Task<BrokerTestServer> StartAsync(PostgresDatabase database, Action<ServerOptions> configure,
        Action<IServiceCollection>? services = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        var dataDir = Directory.CreateTempSubdirectory("scouter-broker-").FullName;
        var app = ScouterServer.Build([], o =>
        {
            o.Port = 0;
            o.DataDir = dataDir;
            o.DatabaseUri = database.Uri;
            o.AdminPassword = AdminPassword;
            o.JwtSecret = JwtSecret;
            configure(o);
        }, s =>
        {
            s.AddTestOutputLogging();
            services?.Invoke(s);
        });
        await app.StartAsync();
        return new BrokerTestServer(app, dataDir);
    }

    /// <summary>A client logged in as the bootstrap admin.</summary>
    public ScouterClient AdminClient() => new(new ScouterClientOptions { ServerUri = Url, Username = "admin", Password = AdminPassword });

    /// <summary>Stops the replica gracefully (consumers finish their in-flight batches). Idempotent.</summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await App.StopAsync(CancellationToken.None);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await App.DisposeAsync();
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { }
    }
}
