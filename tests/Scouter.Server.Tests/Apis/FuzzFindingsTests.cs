using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scouter.Server.Storage;
using Scouter.Server.Tests.Fixtures;
using Xunit;

namespace Scouter.Server.Tests.Apis;

/// <summary>Answers the API fuzz (<see cref="FuzzTests"/>) once got wrong, pinned as examples.</summary>
public sealed class FuzzFindingsTests : IAsyncLifetime
{
    private const string Space = "fuzz";

    private TestServer _server = null!;
    private Guid _psi;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _server = await TestServer.StartAsync(SqlDialect.Sqlite);
        var body = new JsonObject { ["profile"] = JsonNode.Parse(TestProfiles.Psi(Space, "fz-psi").ToJson()) };
        using var response = await _server.Admin.PostAsync("/api/v1/profiles", Body(Encoding.UTF8.GetBytes(body.ToJsonString())), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        _psi = JsonNode.Parse(text)!["uid"]!.GetValue<Guid>();
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Ingest_RecordWithoutType_Is400NamingTheRecord_Not500()
    {
        var batch = Batch();
        batch["records"]![0]!.AsObject().Remove("type");

        using var response = await _server.Admin.PostAsync("/api/v1/records", Body(Encoding.UTF8.GetBytes(batch.ToJsonString())), Ct);

        await AssertProblemAsync(response, "invalid_json", "records[0]");
    }

    [Fact]
    public async Task Register_ProfileWithoutDriftType_Is400NamingTheProfile_Not500()
    {
        var body = new JsonObject { ["profile"] = JsonNode.Parse(TestProfiles.Spc(Space, "no-type").ToJson()), ["bump"] = true };
        body["profile"]!.AsObject().Remove("drift_type");

        using var response = await _server.Admin.PostAsync("/api/v1/profiles", Body(Encoding.UTF8.GetBytes(body.ToJsonString())), Ct);

        await AssertProblemAsync(response, "invalid_json", "profile");
    }

    [Fact]
    public async Task Ingest_BodyWithInvalidUtf8InAPropertyName_Is400_AndStoresNothing()
    {
        // An extra property whose name holds 0xC3 0x28: a UTF-8 lead byte without its continuation.
        byte[] body = [.. "{\"x"u8.ToArray(), 0xC3, 0x28, .. "\":1,"u8.ToArray(), .. Encoding.UTF8.GetBytes(Batch().ToJsonString()[1..])];
        var before = await Seed.CountAsync(_server.Database.Database, "select count(*) from ingested_batches");

        using var response = await _server.Admin.PostAsync("/api/v1/records", Body(body), Ct);

        await AssertProblemAsync(response, "invalid_json", "body");
        Assert.Equal(before, await Seed.CountAsync(_server.Database.Database, "select count(*) from ingested_batches"));
    }

    [Theory]
    [InlineData("{\"1\": 27, \"01\": 7}")]
    [InlineData("{\"1\": 27, \"1\": 7}")]
    public async Task Ingest_BinIdGivenTwice_Is400NamingTheBinCounts_NotLastWins(string binCounts)
    {
        var json = Batch(placeholder: true).ToJsonString().Replace("\"BINS\"", binCounts, StringComparison.Ordinal);
        var before = await Seed.CountAsync(_server.Database.Database, "select count(*) from psi_counts");

        using var response = await _server.Admin.PostAsync("/api/v1/records", Body(Encoding.UTF8.GetBytes(json)), Ct);

        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, text);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal("invalid_json", problem.GetProperty("code").GetString());
        Assert.StartsWith("records[0].bin_counts", problem.GetProperty("field").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await Seed.CountAsync(_server.Database.Database, "select count(*) from psi_counts"));
    }

    /// <summary>
    /// A string escape that is no UTF-16 (a lone surrogate) in a body that also holds <c>\u0000</c>,
    /// so the NUL scan reads its strings: a 400 naming the field, not a 500.
    /// </summary>
    [Theory]
    [InlineData("""{"name":"k\uDC00","spaces":{"a\u0000":"read"}}""")]
    [InlineData("""{"name":"k\uD800","spaces":{"a":"read"}}""")]
    public async Task ApiKey_StringWithALoneSurrogateEscape_Is400_Not500(string json)
    {
        using var response = await _server.Admin.PostAsync("/api/v1/api-keys", Body(Encoding.UTF8.GetBytes(json)), Ct);

        await AssertProblemAsync(response, "invalid_json", "name");
    }

    /// <summary>A query parameter without a name (<c>?=%00</c>) has no field to name: the problem names <c>query</c>.</summary>
    [Theory]
    [InlineData("/api/v1/profiles?=%00")]
    [InlineData("/api/v1/alerts?space=fuzz&=a%00b")]
    public async Task QueryParameterWithoutAName_HoldingNul_IsRefusedNamingTheQuery(string url)
    {
        using var response = await _server.Admin.GetAsync(url, Ct);

        await AssertProblemAsync(response, "invalid_character", "query");
    }

    /// <summary>A valid batch of one PSI record, or with the string <c>"BINS"</c> for bin counts when <paramref name="placeholder"/>.</summary>
    private JsonObject Batch(bool placeholder = false)
    {
        var at = TimeProvider.System.GetUtcNow().AddMinutes(-5).ToString("O", CultureInfo.InvariantCulture);
        return new JsonObject
        {
            ["batch_id"] = Guid.CreateVersion7().ToString(),
            ["sent_at"] = at,
            ["records"] = new JsonArray(new JsonObject
            {
                ["type"] = "psi", ["uid"] = _psi.ToString(), ["created_at"] = at, ["feature"] = "age", ["bin_counts"] = placeholder ? "BINS" : new JsonObject { ["1"] = 3 },
            }),
        };
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, string code, string field)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, text);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal(field, problem.GetProperty("field").GetString());
    }

    private static ByteArrayContent Body(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }
}
