using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Scouter.Server.Apis;
using Scouter.Server.Auth;
using Scouter.Server.Storage;
using Scouter.Testing;

namespace Scouter.Server.Tests.Fixtures;

/// <summary>
/// A real Scouter server on a free loopback port over a fresh <see cref="TestDatabase"/>, with an
/// <see cref="Admin"/> client already logged in as the bootstrap admin. Helpers create users, log in
/// and mint API keys for given space roles.
/// <code>
/// await using var server = await TestServer.StartAsync(SqlDialect.Postgres);
/// var writer = await server.CreateApiKeyClientAsync(TestServer.Grants(("my-space", SpaceRole.Write)));
/// var response = await writer.PostAsJsonAsync("/api/v1/records", batch, ApiJson.Options);
/// </code>
/// Access tokens live one hour of the server's <see cref="TimeProvider"/>: a test that advances a
/// <c>FakeTimeProvider</c> past that must log in again (<see cref="LoginAsync"/>).
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    /// <summary>Password of the bootstrap <c>admin</c> user.</summary>
    public const string AdminPassword = "admin-password-for-tests";

    private readonly bool _ownsDatabase;
    private readonly string? _ownedDataDir;
    private readonly List<HttpClient> _clients = [];

    private TestServer(WebApplication app, TestDatabase database, bool ownsDatabase, string dataDir, string? ownedDataDir)
    {
        App = app;
        Database = database;
        _ownsDatabase = ownsDatabase;
        DataDir = dataDir;
        _ownedDataDir = ownedDataDir;
        Url = ScouterServer.Url(app);
        Admin = CreateClient();
    }

    /// <summary>The running app (its <see cref="WebApplication.Services"/> give access to server internals).</summary>
    public WebApplication App { get; }

    /// <summary>The server's database.</summary>
    public TestDatabase Database { get; }

    /// <summary>The server's data directory.</summary>
    public string DataDir { get; }

    /// <summary>Base address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Url { get; }

    /// <summary>A client with the bootstrap admin's access token (global admin).</summary>
    public HttpClient Admin { get; }

    /// <summary>Starts a server on a new database of <paramref name="dialect"/>, owned (dropped) by the server.</summary>
    /// <param name="dialect">SQLite or PostgreSQL.</param>
    /// <param name="configure">Further option changes (after port, data dir, database and admin password are set).</param>
    /// <param name="services">Service overrides, e.g. <c>s => s.AddSingleton&lt;TimeProvider&gt;(fake)</c>.</param>
    /// <param name="map">Extra endpoints mapped before the server starts (e.g. a protected probe).</param>
    internal static async Task<TestServer> StartAsync(SqlDialect dialect = SqlDialect.Sqlite, Action<ServerOptions>? configure = null,
        Action<IServiceCollection>? services = null, Action<WebApplication>? map = null) =>
        await StartAsync(await TestDatabase.CreateAsync(dialect), ownsDatabase: true, configure, services, map);

    /// <summary>Starts a server (e.g. a second replica) on an existing <paramref name="database"/>, which the caller disposes.</summary>
    public static Task<TestServer> StartAsync(TestDatabase database, Action<ServerOptions>? configure = null,
        Action<IServiceCollection>? services = null, Action<WebApplication>? map = null) =>
        StartAsync(database, ownsDatabase: false, configure, services, map);

    private static async Task<TestServer> StartAsync(TestDatabase database, bool ownsDatabase, Action<ServerOptions>? configure,
        Action<IServiceCollection>? services, Action<WebApplication>? map)
    {
        var ownedDir = database.DataDir is null ? Directory.CreateTempSubdirectory("scouter-srv-").FullName : null;
        var dataDir = database.DataDir ?? ownedDir!;
        WebApplication? app = null;
        try
        {
            app = ScouterServer.Build([], o =>
            {
                o.Port = 0;
                o.DataDir = dataDir;
                o.DatabaseUri = database.PostgresUri;
                o.AdminPassword = AdminPassword;
                configure?.Invoke(o);
            }, s =>
            {
                s.AddTestOutputLogging();
                services?.Invoke(s);
            });
            map?.Invoke(app);
            await app.StartAsync();
            var server = new TestServer(app, database, ownsDatabase, dataDir, ownedDir);
            Authorize(server.Admin, (await server.LoginAsync("admin", AdminPassword)).AccessToken);
            return server;
        }
        catch
        {
            if (app is not null) await app.DisposeAsync();
            if (ownsDatabase) await database.DisposeAsync();
            throw;
        }
    }

    /// <summary>A new client without credentials, addressed at the server (disposed with it).</summary>
    public HttpClient CreateClient()
    {
        var client = new HttpClient { BaseAddress = new Uri(Url) };
        _clients.Add(client);
        return client;
    }

    /// <summary>Logs in; throws unless the server answers 200.</summary>
    internal async Task<TokenResponse> LoginAsync(string username, string password)
    {
        using var client = new HttpClient { BaseAddress = new Uri(Url) };
        using var response = await client.PostAsJsonAsync("/api/v1/auth/token", new TokenRequest { Username = username, Password = password }, ApiJson.Options);
        await EnsureSuccessAsync(response);
        return (await response.Content.ReadFromJsonAsync<TokenResponse>(ApiJson.Options))!;
    }

    /// <summary>A client that sends <paramref name="accessToken"/> as a bearer token.</summary>
    public HttpClient CreateClient(string accessToken) => Authorize(CreateClient(), accessToken);

    /// <summary>Creates a user (password <c>password-of-&lt;name&gt;</c>) with the given roles and returns a client logged in as them.</summary>
    internal async Task<HttpClient> CreateUserClientAsync(string name, IReadOnlyDictionary<string, SpaceRole>? spaces = null, GlobalRole globalRole = GlobalRole.None)
    {
        var request = new CreateUserRequest { Name = name, Password = "password-of-" + name, GlobalRole = globalRole, Spaces = spaces?.ToDictionary() };
        using (var response = await Admin.PostAsJsonAsync("/api/v1/users", request, ApiJson.Options)) await EnsureSuccessAsync(response);
        return CreateClient((await LoginAsync(name, "password-of-" + name)).AccessToken);
    }

    /// <summary>Mints an API key (as admin) granting <paramref name="spaces"/>.</summary>
    internal async Task<CreatedApiKey> CreateApiKeyAsync(IReadOnlyDictionary<string, SpaceRole> spaces, string name = "test-key", DateTimeOffset? expiresAt = null)
    {
        var request = new CreateApiKeyRequest { Name = name, Spaces = spaces.ToDictionary(), ExpiresAt = expiresAt };
        using var response = await Admin.PostAsJsonAsync("/api/v1/api-keys", request, ApiJson.Options);
        await EnsureSuccessAsync(response);
        return (await response.Content.ReadFromJsonAsync<CreatedApiKey>(ApiJson.Options))!;
    }

    /// <summary>A client authenticating with a new API key (header <c>X-Scouter-Api-Key</c>) granting <paramref name="spaces"/>.</summary>
    internal async Task<HttpClient> CreateApiKeyClientAsync(IReadOnlyDictionary<string, SpaceRole> spaces)
    {
        var key = await CreateApiKeyAsync(spaces);
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Scouter-Api-Key", key.Key);
        return client;
    }

    /// <summary>Grants as a dictionary: <c>Grants(("a", SpaceRole.Read), ("b", SpaceRole.Write))</c>.</summary>
    internal static IReadOnlyDictionary<string, SpaceRole> Grants(params (string Space, SpaceRole Role)[] grants) =>
        grants.ToDictionary(g => g.Space, g => g.Role);

    private static HttpClient Authorize(HttpClient client, string accessToken)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"{(int)response.StatusCode} {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients) client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        if (_ownsDatabase) await Database.DisposeAsync();
        if (_ownedDataDir is not null)
        {
            try { Directory.Delete(_ownedDataDir, recursive: true); } catch (IOException) { }
        }
    }
}
