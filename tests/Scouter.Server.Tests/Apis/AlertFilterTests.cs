using System.Globalization;
using System.Net;
using System.Text.Json;
using Scouter.Server.Tests.Fixtures;
using Xunit;

namespace Scouter.Server.Tests.Apis;

/// <summary>
/// <c>GET /alerts</c> filters <c>open</c>, <c>severity</c> and <c>kind</c> (alone, together and with <c>status</c>), and
/// the profile fields each item carries, on both stores. Expected pages are computed from the seeded rows.
/// </summary>
public abstract class AlertFilterTests(ServerFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DataTestServer Server => fixture.Server;

    private static string NewSpace() => "a" + Guid.NewGuid().ToString("N")[..10];

    private sealed record Seeded(long Id, string Kind, string Severity, string Status, DateTimeOffset CreatedAt);

    /// <summary>Seven alerts over a PSI, an SPC and a custom profile of a new space, oldest first.</summary>
    private async Task<(string Space, Guid Psi, List<Seeded> Alerts)> SeedAsync()
    {
        var space = NewSpace();
        var psi = (await Server.RegisterAsync(TestProfiles.Psi(space, "credit", "2.1.0"))).GetProperty("uid").GetGuid();
        var spc = (await Server.RegisterAsync(TestProfiles.Spc(space, "sensor"))).GetProperty("uid").GetGuid();
        var custom = (await Server.RegisterAsync(TestProfiles.Custom(space, "wine"))).GetProperty("uid").GetGuid();
        (Guid Uid, string Subject, string Kind, int? Zone, string Severity, string Status)[] rows =
        [
            (psi, "age", "psi", null, "critical", "firing"),
            (psi, "color", "psi", null, "warning", "acknowledged"),
            (psi, "age", "psi", null, "critical", "resolved"),
            (spc, "x", "out_of_bounds", 4, "critical", "firing"),
            (spc, "x", "consecutive", 2, "warning", "resolved"),
            (custom, "mae", "custom", null, "warning", "firing"),
            (custom, "acc", "custom", null, "warning", "resolved"),
        ];
        var alerts = new List<Seeded>();
        for (var i = 0; i < rows.Length; i++)
        {
            var (uid, subject, kind, zone, severity, status) = rows[i];
            var at = DataTestServer.Start.AddHours(-10).AddMinutes(10 * i);
            alerts.Add(new Seeded(await Seed.AlertAsync(Server.Db.Database, uid, space, subject, kind, zone, severity, status, at), kind, severity, status, at));
        }
        return (space, psi, alerts);
    }

    private async Task<JsonElement> GetOkAsync(string url)
    {
        using var response = await Server.Client.GetAsync(url, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Fact]
    public async Task Filters_OpenSeverityKind_AloneAndTogether_ReturnExactlyTheMatchingAlertsNewestFirst()
    {
        var (space, _, alerts) = await SeedAsync();
        static bool IsOpen(Seeded a) => a.Status is "firing" or "acknowledged";
        var cases = new (string Query, Func<Seeded, bool> Match)[]
        {
            ("open=true", IsOpen),
            ("open=false", a => !IsOpen(a)),
            ("open=TRUE", IsOpen),
            ("severity=critical", a => a.Severity == "critical"),
            ("severity=warning", a => a.Severity == "warning"),
            ("kind=psi", a => a.Kind == "psi"),
            ("kind=out_of_bounds", a => a.Kind == "out_of_bounds"),
            ("kind=custom", a => a.Kind == "custom"),
            ("kind=evaluation_failures", _ => false),
            ("open=true&severity=critical", a => IsOpen(a) && a.Severity == "critical"),
            ("open=true&kind=psi", a => IsOpen(a) && a.Kind == "psi"),
            ("open=false&severity=warning&kind=consecutive", a => !IsOpen(a) && a.Severity == "warning" && a.Kind == "consecutive"),
            ("open=true&status=acknowledged", a => a.Status == "acknowledged"),
            ("open=false&status=firing", _ => false),
            ("open=", _ => true),
        };

        foreach (var (query, match) in cases)
        {
            var page = await GetOkAsync($"alerts?space={space}&{query}");
            var expected = alerts.Where(match).OrderByDescending(a => a.CreatedAt).Select(a => a.Id).ToList();
            Assert.True(expected.SequenceEqual(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64())),
                $"{query}: expected [{string.Join(", ", expected)}], got {page.GetProperty("items").GetRawText()}");
            Assert.Equal(expected.Count, page.GetProperty("total").GetInt64());
        }
    }

    [Fact]
    public async Task Items_CarryTheProfileAndEveryStateAUiShows()
    {
        var (space, psi, alerts) = await SeedAsync();
        var acknowledged = alerts.Single(a => a.Status == "acknowledged");
        var resolved = alerts.First(a => a.Status == "resolved");

        var items = (await GetOkAsync($"alerts?uid={psi}")).GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty("id").GetInt64());

        var ack = items[acknowledged.Id];
        Assert.Equal(space, ack.GetProperty("space").GetString());
        Assert.Equal(psi, ack.GetProperty("uid").GetGuid());
        Assert.Equal("credit", ack.GetProperty("name").GetString());
        Assert.Equal("2.1.0", ack.GetProperty("version").GetString());
        Assert.Equal("psi", ack.GetProperty("drift_type").GetString());
        Assert.Equal("warning", ack.GetProperty("severity").GetString());
        Assert.Equal("acknowledged", ack.GetProperty("status").GetString());
        Assert.Equal(acknowledged.CreatedAt, ack.GetProperty("created_at").GetDateTimeOffset());
        Assert.Equal("alice", ack.GetProperty("acknowledged_by").GetString());
        Assert.Equal(acknowledged.CreatedAt.AddMinutes(1), ack.GetProperty("acknowledged_at").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, ack.GetProperty("resolved_at").ValueKind);
        foreach (var field in new[] { "notify_pending", "notify_attempts", "notify_error", "next_attempt_at", "last_notified_at" })
            Assert.True(ack.TryGetProperty(field, out _), field);
        Assert.Equal(resolved.CreatedAt.AddMinutes(5), items[resolved.Id].GetProperty("resolved_at").GetDateTimeOffset());
    }

    [Theory]
    [InlineData("open=yes", "open", "yes")]
    [InlineData("open=1", "open", "1")]
    [InlineData("severity=info", "severity", "info")]
    [InlineData("severity=Critical", "severity", "Critical")]
    [InlineData("kind=drift", "kind", "drift")]
    [InlineData("status=open", "status", "open")]
    public async Task InvalidFilter_Is400NamingTheFieldAndValue(string query, string field, string value)
    {
        using var response = await Server.Client.GetAsync("alerts?" + query, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await DataTestServer.ReadAsync(response);
        Assert.Equal("invalid_query", problem.GetProperty("code").GetString());
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"'{value}'"), problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}

public sealed class SqliteAlertFilterTests(ServerFixture fixture) : AlertFilterTests(fixture), IClassFixture<ServerFixture>;

public sealed class PostgresAlertFilterTests(PostgresServerFixture fixture) : AlertFilterTests(fixture), IClassFixture<PostgresServerFixture>;
