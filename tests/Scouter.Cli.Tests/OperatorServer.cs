using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Scouter.Client;
using Scouter.Client.Tests.Api;
using Scouter.Records;
using Xunit;

namespace Scouter.Cli.Tests;

/// <summary>The client tests' real server (Kestrel on a free loopback port, SQLite in a temp directory), shared by a test class.</summary>
public sealed class OperatorServer : IAsyncLifetime
{
    public const string AdminPassword = ClientTestServer.AdminPassword;

    private ClientTestServer? server;

    public string Url => Server.Url;

    private ClientTestServer Server => server ?? throw new InvalidOperationException("not started");

    public async ValueTask InitializeAsync() => server = await ClientTestServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (server is not null) await server.DisposeAsync();
    }

    /// <summary>The test's own view of the server: registers profiles and sends records like an application would.</summary>
    public ScouterClient AdminClient() => Server.AdminClient();

    /// <summary>An API key with <paramref name="role"/> on <paramref name="space"/>.</summary>
    public Task<string> CreateApiKeyAsync(string space, string role) => Server.CreateApiKeyAsync(space, role);

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
