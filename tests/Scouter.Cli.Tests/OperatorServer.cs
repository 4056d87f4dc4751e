using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Scouter.Client;
using Scouter.Records;
using Scouter.Server;
using Scouter.Testing;
using Xunit;

namespace Scouter.Cli.Tests;

/// <summary>A real Scouter server for the operator commands: Kestrel on a free loopback port, SQLite in a temp directory.</summary>
public sealed class OperatorServer : IAsyncLifetime
{
    public const string AdminPassword = "cli-tests-admin-password";

    private readonly string dataDir = Directory.CreateTempSubdirectory("scouter-cli-server-").FullName;
    private WebApplication? app;

    public string Url { get; private set; } = string.Empty;

    public async ValueTask InitializeAsync()
    {
        app = ScouterServer.Build([], o =>
        {
            o.Port = 0;
            o.DataDir = dataDir;
            o.AdminPassword = AdminPassword;
            o.JwtSecret = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        }, s => s.AddTestOutputLogging());
        await app.StartAsync();
        Url = ScouterServer.Url(app);
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        try
        {
            Directory.Delete(dataDir, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file briefly; a leftover temp directory is harmless.
        }
    }

    /// <summary>The test's own view of the server: registers profiles and sends records like an application would.</summary>
    public ScouterClient AdminClient() => new(new ScouterClientOptions { ServerUri = Url, Username = "admin", Password = AdminPassword });

    /// <summary>A CLI environment logged in through <c>SCOUTER_*</c> variables, with its own config directory.</summary>
    internal CliSession AdminSession() => new(new Dictionary<string, string>
    {
        ["SCOUTER_SERVER_URI"] = Url,
        ["SCOUTER_USERNAME"] = "admin",
        ["SCOUTER_PASSWORD"] = AdminPassword,
    });

    /// <summary>Registers <paramref name="profile"/> and sends the records made for its uid, as an application would.</summary>
    public async Task<Guid> RegisterAsync(DriftProfile profile, Func<Guid, DriftRecord[]>? records = null)
    {
        await using var client = AdminClient();
        var ct = TestContext.Current.CancellationToken;
        var uid = (await client.RegisterProfileAsync(profile, cancellationToken: ct)).Config.Uid;
        if (records?.Invoke(uid) is { } batch)
            await client.SendBatchAsync(new RecordBatch { BatchId = Guid.CreateVersion7(), SentAt = TimeProvider.System.GetUtcNow(), Records = batch }, ct);
        return uid;
    }

    /// <summary>A custom profile with one metric, mae: baseline 1, alert above 1.5.</summary>
    public static CustomDriftProfile Mae(string space, string name = "m") =>
        new(new CustomMetricDriftConfig { Space = space, Name = name, Version = "1.0.0" }, [new CustomMetric("mae", 1.0, AlertThreshold.Above, 0.5)]);

    /// <summary>A loopback port nothing listens on (bound, then released).</summary>
    public static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>A space no other test uses, so list and alert assertions see only this test's data.</summary>
    public static string UniqueSpace() => "cli" + Guid.NewGuid().ToString("N")[..12];
}

/// <summary>Runs the CLI in-process with its own environment (no process-wide variables) and config directory.</summary>
internal sealed class CliSession : IDisposable
{
    private readonly TempDir configDir = new();
    private readonly Dictionary<string, string> environment;

    public CliSession(Dictionary<string, string> environment)
    {
        this.environment = environment;
        this.environment["SCOUTER_CONFIG_DIR"] = configDir.Path;
    }

    public string ConfigDir => configDir.Path;

    public string CredentialsFile => Path.Combine(configDir.Path, "credentials.json");

    public CliSession Without(params string[] names)
    {
        foreach (var name in names) environment.Remove(name);
        return this;
    }

    public CliSession With(string name, string value)
    {
        environment[name] = value;
        return this;
    }

    public async Task<CliRunner.Result> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CliApp.RunAsync(args, stdout, stderr, interactive: false, name => environment.GetValueOrDefault(name), TestContext.Current.CancellationToken);
        return new CliRunner.Result(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs a <c>--json</c> command, asserts success and a clean stderr, and parses stdout.</summary>
    public async Task<JsonElement> JsonAsync(params string[] args)
    {
        var result = await RunAsync([.. args, "--json"]);
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.Error}");
        Assert.Empty(result.Error);
        using var document = JsonDocument.Parse(result.Out);
        return document.RootElement.Clone();
    }

    public void Dispose() => configDir.Dispose();
}
