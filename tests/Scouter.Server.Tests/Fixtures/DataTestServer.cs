using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Scouter.Server.Apis;
using Scouter.Server.Storage;
using Scouter.Testing;

namespace Scouter.Server.Tests.Fixtures;

/// <summary>A real server on a free port over a fresh database, with <see cref="TestAuth"/> and a fake clock.</summary>
public sealed class DataTestServer : IAsyncDisposable
{
    /// <summary>The fake clock's start: record times in tests are relative to it.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    private DataTestServer(WebApplication app, TestDatabase db, FakeTimeProvider time)
    {
        App = app;
        Db = db;
        Time = time;
        Client = new HttpClient { BaseAddress = new Uri(ScouterServer.Url(app) + "/api/v1/") };
    }

    public WebApplication App { get; }

    public TestDatabase Db { get; }

    public FakeTimeProvider Time { get; }

    public HttpClient Client { get; }

    public static async Task<DataTestServer> StartAsync(SqlDialect dialect = SqlDialect.Sqlite, Action<ServerOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        var db = await TestDatabase.CreateAsync(dialect);
        var dataDir = db.DataDir ?? Directory.CreateTempSubdirectory("scouter-srv-").FullName;
        var time = new FakeTimeProvider(Start);
        var app = ScouterServer.Build([], o =>
        {
            o.Port = 0;
            o.DataDir = dataDir;
            o.DatabaseUri = db.PostgresUri;
            configure?.Invoke(o);
        }, s =>
        {
            s.AddTestOutputLogging();
            s.AddSingleton<TimeProvider>(time);
            s.AddTestAuth();
            services?.Invoke(s);
        });
        await app.StartAsync();
        return new DataTestServer(app, db, time);
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

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        await Db.DisposeAsync();
    }
}
