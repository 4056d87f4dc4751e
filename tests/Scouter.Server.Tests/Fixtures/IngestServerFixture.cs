using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scouter.Server.Auth;
using Scouter.Server.Storage;
using Xunit;

namespace Scouter.Server.Tests.Fixtures;

/// <summary>
/// A real server (real auth) per test class with an API key that may write (and read) one space, and
/// helpers to register profiles there, post batches and read drift back. Profiles are registered per
/// test, so tests sharing the server do not see each other's records.
/// </summary>
public abstract class IngestServerFixture : IAsyncLifetime
{
    private protected IngestServerFixture(SqlDialect dialect) => Dialect = dialect;

    internal SqlDialect Dialect { get; }

    public TestServer Server { get; private set; } = null!;

    public string Space { get; } = "ing" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>API key client with write on <see cref="Space"/>.</summary>
    public HttpClient Writer { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Server = await TestServer.StartAsync(Dialect);
        Writer = await Server.CreateApiKeyClientAsync(TestServer.Grants((Space, SpaceRole.Write)));
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Registers a new profile of <paramref name="type"/> (see <see cref="TestProfiles"/>) in <see cref="Space"/> under a new name; returns its uid.</summary>
    public Task<Guid> NewProfileAsync(DriftType type)
    {
        var name = "m" + Guid.NewGuid().ToString("N")[..10];
        DriftProfile profile = type switch
        {
            DriftType.Psi => TestProfiles.Psi(Space, name),
            DriftType.Spc => TestProfiles.Spc(Space, name),
            DriftType.Custom => TestProfiles.Custom(Space, name),
            _ => TestProfiles.Llm(Space, name),
        };
        return RegisterAsync(Server, profile);
    }

    public static async Task<Guid> RegisterAsync(TestServer server, DriftProfile profile)
    {
        using var response = await server.Admin.PostAsync("/api/v1/profiles", DataTestServer.Json(DataTestServer.RegisterBody(profile)), TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("uid").GetGuid();
    }

    /// <summary>Posts <paramref name="batch"/> to <c>/api/v1/records</c>; returns the status and the parsed body.</summary>
    public static async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(HttpClient client, JsonNode batch)
    {
        using var response = await client.PostAsync("/api/v1/records", DataTestServer.Json(batch), TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>GET <c>/api/v1/{path}</c>; returns the status and the parsed body.</summary>
    public static async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync("/api/v1/" + path, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>The drift series of <paramref name="uid"/> over the last two hours, one bucket.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> DriftAsync(string type, Guid uid)
    {
        var now = TimeProvider.System.GetUtcNow();
        return await GetAsync(Writer, string.Create(CultureInfo.InvariantCulture,
            $"drift/{type}?uid={uid}&from={Uri.EscapeDataString(Time(now.AddHours(-2)))}&to={Uri.EscapeDataString(Time(now.AddMinutes(5)))}&buckets=1"));
    }

    /// <summary>POST <c>/api/v1/profiles/{uid}/run</c> (a manual check) as the writer.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> RunCheckAsync(Guid uid)
    {
        using var response = await Writer.PostAsync($"/api/v1/profiles/{uid}/run", null, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    public static string Time(DateTimeOffset t) => t.ToString("O", CultureInfo.InvariantCulture);

    /// <summary>A batch of <paramref name="records"/> with a new batch id.</summary>
    public static JsonObject Batch(params JsonObject[] records) => new()
    {
        ["batch_id"] = Guid.CreateVersion7().ToString(),
        ["sent_at"] = Time(TimeProvider.System.GetUtcNow()),
        ["records"] = new JsonArray([.. records]),
    };

    /// <summary>Ten minutes ago: inside every window the helpers query.</summary>
    public static DateTimeOffset RecentTime => TimeProvider.System.GetUtcNow().AddMinutes(-10);

    public static JsonObject Psi(Guid uid, string feature, JsonObject binCounts) =>
        new() { ["type"] = "psi", ["uid"] = uid.ToString(), ["created_at"] = Time(RecentTime), ["feature"] = feature, ["bin_counts"] = binCounts };

    public static JsonObject Spc(Guid uid, string feature, double mean, long count) =>
        new() { ["type"] = "spc", ["uid"] = uid.ToString(), ["created_at"] = Time(RecentTime), ["feature"] = feature, ["mean"] = mean, ["count"] = count };

    public static JsonObject Custom(Guid uid, string metric, double sum, long count) =>
        new() { ["type"] = "custom", ["uid"] = uid.ToString(), ["created_at"] = Time(RecentTime), ["metric"] = metric, ["sum"] = sum, ["count"] = count };

    public static JsonObject Llm(Guid uid, Guid? recordId = null) =>
        new() { ["type"] = "llm", ["uid"] = uid.ToString(), ["created_at"] = Time(RecentTime), ["record_id"] = (recordId ?? Guid.CreateVersion7()).ToString(), ["input"] = "q", ["response"] = "a", ["context"] = new JsonObject() };
}

public sealed class SqliteIngestServerFixture() : IngestServerFixture(SqlDialect.Sqlite);

public sealed class PostgresIngestServerFixture() : IngestServerFixture(SqlDialect.Postgres);
