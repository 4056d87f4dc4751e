using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Scouter.Server.Apis;
using Scouter.Server.Auth;
using Scouter.Server.Storage;

namespace Scouter.Server.Tests.Fixtures;

/// <summary>
/// A <see cref="TestServer"/> (real authentication) on a fake clock, for the data-route tests: its
/// <see cref="Client"/> is the bootstrap admin addressed at <c>/api/v1/</c>; <see cref="ApiKeyClientAsync"/>
/// and <see cref="Anonymous"/> give callers with less access.
/// </summary>
public sealed class DataTestServer : IAsyncDisposable
{
    /// <summary>The fake clock's start: record times in tests are relative to it.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    private readonly TestServer _server;

    private DataTestServer(TestServer server, FakeTimeProvider time)
    {
        _server = server;
        Time = time;
        Client = ApiClient();
        Client.DefaultRequestHeaders.Authorization = server.Admin.DefaultRequestHeaders.Authorization;
        Anonymous = ApiClient();
    }

    public WebApplication App => _server.App;

    public TestDatabase Db => _server.Database;

    /// <summary>The server's clock. Access tokens expire an hour after <see cref="Start"/> on it: do not advance it that far.</summary>
    public FakeTimeProvider Time { get; }

    /// <summary>The bootstrap admin (a global admin user), addressed at <c>/api/v1/</c>.</summary>
    public HttpClient Client { get; }

    /// <summary>A client without credentials, addressed at <c>/api/v1/</c>.</summary>
    public HttpClient Anonymous { get; }

    internal static async Task<DataTestServer> StartAsync(SqlDialect dialect = SqlDialect.Sqlite, Action<ServerOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        var time = new FakeTimeProvider(Start);
        var server = await TestServer.StartAsync(dialect, configure, s =>
        {
            s.AddSingleton<TimeProvider>(time);
            services?.Invoke(s);
        });
        return new DataTestServer(server, time);
    }

    /// <summary>A client, addressed at <c>/api/v1/</c>, authenticating with a new API key that grants exactly <paramref name="grants"/>.</summary>
    internal async Task<HttpClient> ApiKeyClientAsync(params (string Space, SpaceRole Role)[] grants)
    {
        var key = await _server.CreateApiKeyAsync(TestServer.Grants(grants));
        var client = ApiClient();
        client.DefaultRequestHeaders.Add("X-Scouter-Api-Key", key.Key);
        return client;
    }

    /// <summary>A client, addressed at <c>/api/v1/</c>, logged in as a new user <paramref name="name"/> (no global role) holding exactly <paramref name="grants"/>.</summary>
    internal async Task<HttpClient> UserClientAsync(string name, params (string Space, SpaceRole Role)[] grants)
    {
        var user = await _server.CreateUserClientAsync(name, TestServer.Grants(grants));
        var client = ApiClient();
        client.DefaultRequestHeaders.Authorization = user.DefaultRequestHeaders.Authorization;
        return client;
    }

    /// <summary>Registers a profile and returns the response (uid, version, ...).</summary>
    public async Task<JsonElement> RegisterAsync(DriftProfile profile, bool setActive = true, bool bump = false)
    {
        using var response = await Client.PostAsync("profiles", Json(RegisterBody(profile, setActive, bump)));
        var body = await response.Content.ReadAsStringAsync();
        if ((int)response.StatusCode != 201) throw new InvalidOperationException($"register failed: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static JsonObject RegisterBody(DriftProfile profile, bool setActive = true, bool bump = false) =>
        new() { ["profile"] = JsonNode.Parse(profile.ToJson()), ["set_active"] = setActive, ["bump"] = bump };

    public static StringContent Json(JsonNode node) => new(node.ToJsonString(), System.Text.Encoding.UTF8, "application/json");

    public static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    public static JsonContent Serialize<T>(T value) => JsonContent.Create(value, options: ApiJson.Options);

    /// <summary>A client without credentials addressed at <c>/api/v1/</c>, disposed with the server.</summary>
    private HttpClient ApiClient()
    {
        var client = _server.CreateClient();
        client.BaseAddress = new Uri(_server.Url + "/api/v1/");
        return client;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
