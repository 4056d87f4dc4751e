using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Scouter.Server;
using Xunit;
using Scouter.Testing;

namespace Scouter.Client.Tests.Api;

/// <summary>A real Scouter server on a free loopback port over SQLite in a temp directory.</summary>
public sealed class ClientTestServer : IAsyncDisposable
{
    public const string AdminPassword = "client-tests-admin-pw";

    private readonly string dataDir;

    private ClientTestServer(WebApplication app, string dataDir)
    {
        App = app;
        this.dataDir = dataDir;
        Url = ScouterServer.Url(app);
    }

    public WebApplication App { get; }

    public string Url { get; }

    public static async Task<ClientTestServer> StartAsync(Action<IServiceCollection>? services = null)
    {
        var dataDir = Directory.CreateTempSubdirectory("scouter-client-").FullName;
        var app = ScouterServer.Build([], o =>
        {
            o.Port = 0;
            o.DataDir = dataDir;
            o.AdminPassword = AdminPassword;
            o.JwtSecret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
        }, s =>
        {
            s.AddTestOutputLogging();
            services?.Invoke(s);
        });
        await app.StartAsync();
        return new ClientTestServer(app, dataDir);
    }

    /// <summary>A client logged in as admin (username/password).</summary>
    public ScouterClient AdminClient(TimeProvider? time = null) =>
        new(new ScouterClientOptions { ServerUri = Url, Username = "admin", Password = AdminPassword, TimeProvider = time });

    /// <summary>Creates an API key with the given space roles (as admin, raw HTTP) and returns the secret.</summary>
    public async Task<string> CreateApiKeyAsync(string space, string role)
    {
        using var http = new HttpClient { BaseAddress = new Uri(Url + "/api/v1/") };
        using var login = await http.PostAsJsonAsync("auth/token", new Dictionary<string, string> { ["username"] = "admin", ["password"] = AdminPassword });
        login.EnsureSuccessStatusCode();
        var token = JsonDocument.Parse(await login.Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var created = await http.PostAsync("api-keys", new StringContent(
            new System.Text.Json.Nodes.JsonObject { ["name"] = "client-tests", ["spaces"] = new System.Text.Json.Nodes.JsonObject { [space] = role } }.ToJsonString(),
            System.Text.Encoding.UTF8, "application/json"));
        var body = await created.Content.ReadAsStringAsync();
        Assert.True(created.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("key").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        try
        {
            Directory.Delete(dataDir, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file briefly; the temp dir is cleaned by the OS.
        }
    }
}

/// <summary>A loopback HTTP stub answering <c>POST /api/v1/records</c> with a configurable response.</summary>
public sealed class StubServer : IAsyncDisposable
{
    private StubServer(WebApplication app)
    {
        App = app;
        Url = ScouterServer.Url(app);
    }

    public WebApplication App { get; }

    public string Url { get; }

    public static async Task<StubServer> StartAsync(Func<Microsoft.AspNetCore.Http.HttpContext, Task> respond)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddTestOutputLogging();
        var app = builder.Build();
        app.MapPost("/api/v1/records", respond);
        await app.StartAsync();
        return new StubServer(app);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
