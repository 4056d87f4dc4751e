using System.Net;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Scouter.Server.Auth;
using Scouter.Server.Storage;
using Scouter.Server.Tests.Fixtures;
using Xunit;

namespace Scouter.Server.Tests.Apis;

/// <summary>
/// <c>GET /overview</c> on both stores: two spaces, a global admin and a read-only user of one space.
/// Next runs are the cron occurrences after the fake clock's noon, worked out by hand; latest checks
/// and open alert counts come from rows the test writes.
/// </summary>
public abstract class OverviewApiTests(ServerFixture fixture)
{
    private static readonly DateTimeOffset Now = DataTestServer.Start;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DataTestServer Server => fixture.Server;

    private static string NewSpace() => "o" + Guid.NewGuid().ToString("N")[..10];

    private sealed record World(string A, string B, Guid Psi, Guid Inactive, Guid Other, long PsiLatestCheck, long OtherCheck);

    /// <summary>
    /// Space A: an active hourly PSI profile "p" (two checks, three open alerts and a resolved one) and an
    /// inactive custom profile "c" (nothing). Space B: an active daily custom profile (one check, one open alert).
    /// </summary>
    private async Task<World> SeedAsync()
    {
        var (a, b) = (NewSpace(), NewSpace());
        var psi = await RegisterAsync(TestProfiles.Psi(a, "p"), active: true);
        var inactive = await RegisterAsync(TestProfiles.Custom(a, "c", schedule: CommonCrons.EveryDay), active: false);
        var other = await RegisterAsync(TestProfiles.Custom(b, "b", schedule: CommonCrons.EveryDay), active: true);
        // The later window is inserted first: "latest" is by window end, not by id.
        var latest = await InsertCheckAsync(psi, Now.AddMinutes(-30), alertCount: 2);
        await InsertCheckAsync(psi, Now.AddHours(-1), alertCount: 0);
        var otherCheck = await InsertCheckAsync(other, Now.AddHours(-12), alertCount: 0);
        await Seed.AlertAsync(Server.Db.Database, psi, a, "age", "psi", null, "critical", "firing", Now.AddHours(-2));
        await Seed.AlertAsync(Server.Db.Database, psi, a, "color", "psi", null, "critical", "firing", Now.AddHours(-2));
        await Seed.AlertAsync(Server.Db.Database, psi, a, "height", "psi", null, "warning", "acknowledged", Now.AddHours(-2));
        await Seed.AlertAsync(Server.Db.Database, psi, a, "weight", "psi", null, "critical", "resolved", Now.AddHours(-2));
        await Seed.AlertAsync(Server.Db.Database, other, b, "mae", "psi", null, "warning", "firing", Now.AddHours(-2));
        return new World(a, b, psi, inactive, other, latest, otherCheck);
    }

    private async Task<Guid> RegisterAsync(DriftProfile profile, bool active) =>
        (await Server.RegisterAsync(profile, setActive: active)).GetProperty("uid").GetGuid();

    private async Task<long> InsertCheckAsync(Guid uid, DateTimeOffset windowEnd, int alertCount)
    {
        var db = Server.Db.Database;
        await using var connection = await db.OpenAsync(Ct);
        return DbValues.ReadLong(await connection.ExecuteScalarAsync<object>(new CommandDefinition("""
            insert into check_runs (uid, slot, window_start, window_end, ran_at, runner, "trigger", alert_count, result_json)
            values (@uid, @end, @start, @end, @ran, 'test', 'schedule', @alertCount, '{}')
            returning id
            """, new { uid = db.Id(uid), start = db.Time(windowEnd.AddHours(-1)), end = db.Time(windowEnd), ran = db.Time(windowEnd.AddSeconds(3)), alertCount },
            cancellationToken: Ct)));
    }

    private static async Task<JsonElement> GetOkAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static List<string> Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    private static Dictionary<Guid, JsonElement> ByUid(JsonElement body) =>
        body.GetProperty("profiles").EnumerateArray().ToDictionary(p => p.GetProperty("uid").GetGuid());

    private static void AssertOpenAlerts(JsonElement profile, long total, long critical, long warning, long firing, long acknowledged)
    {
        var open = profile.GetProperty("open_alerts");
        Assert.Equal([total, critical, warning, firing, acknowledged],
            new[] { "total", "critical", "warning", "firing", "acknowledged" }.Select(f => open.GetProperty(f).GetInt64()));
    }

    [Fact]
    public async Task GlobalAdmin_SeesEveryProfile_WithNextRunLatestCheckAndOpenAlerts()
    {
        var w = await SeedAsync();

        var body = await GetOkAsync(Server.Client, "overview");

        var spaces = Strings(body.GetProperty("spaces"));
        Assert.Contains(w.A, spaces);
        Assert.Contains(w.B, spaces);
        Assert.Equal(spaces.Order(StringComparer.Ordinal), spaces);
        Assert.False(body.GetProperty("truncated").GetBoolean());
        var profiles = ByUid(body);

        var psi = profiles[w.Psi];
        Assert.Equal(w.A, psi.GetProperty("space").GetString());
        Assert.Equal("p", psi.GetProperty("name").GetString());
        Assert.Equal("1.0.0", psi.GetProperty("version").GetString());
        Assert.Equal("psi", psi.GetProperty("drift_type").GetString());
        Assert.True(psi.GetProperty("active").GetBoolean());
        Assert.Equal(CommonCrons.EveryHour, psi.GetProperty("schedule").GetString());
        // Hourly at minute 0, the clock at 12:00:00 exactly: the next occurrence strictly after is 13:00.
        Assert.Equal(Now.AddHours(1), psi.GetProperty("next_run").GetDateTimeOffset());
        var check = psi.GetProperty("last_check");
        Assert.Equal(w.PsiLatestCheck, check.GetProperty("id").GetInt64());
        Assert.Equal(Now.AddMinutes(-30), check.GetProperty("window_end").GetDateTimeOffset());
        Assert.Equal(Now.AddMinutes(-90), check.GetProperty("window_start").GetDateTimeOffset());
        Assert.Equal(Now.AddMinutes(-30).AddSeconds(3), check.GetProperty("ran_at").GetDateTimeOffset());
        Assert.Equal("schedule", check.GetProperty("trigger").GetString());
        Assert.Equal(2, check.GetProperty("alert_count").GetInt32());
        Assert.Equal("alert", check.GetProperty("status").GetString());
        AssertOpenAlerts(psi, total: 3, critical: 2, warning: 1, firing: 2, acknowledged: 1);
        // The same latest check as the first of GET /profiles/{uid}/checks.
        var checks = await GetOkAsync(Server.Client, $"profiles/{w.Psi}/checks");
        Assert.Equal(checks[0].GetProperty("id").GetInt64(), check.GetProperty("id").GetInt64());

        var inactive = profiles[w.Inactive];
        Assert.False(inactive.GetProperty("active").GetBoolean());
        Assert.Equal(JsonValueKind.Null, inactive.GetProperty("next_run").ValueKind);
        Assert.Equal(JsonValueKind.Null, inactive.GetProperty("last_check").ValueKind);
        AssertOpenAlerts(inactive, 0, 0, 0, 0, 0);

        var other = profiles[w.Other];
        // Daily at midnight UTC, the clock at noon: next midnight.
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 0, 0, 0, TimeSpan.Zero), other.GetProperty("next_run").GetDateTimeOffset());
        Assert.Equal(w.OtherCheck, other.GetProperty("last_check").GetProperty("id").GetInt64());
        Assert.Equal("no_alert", other.GetProperty("last_check").GetProperty("status").GetString());
        AssertOpenAlerts(other, total: 1, critical: 0, warning: 1, firing: 1, acknowledged: 0);
    }

    [Fact]
    public async Task SpaceFilter_ListsThatSpacesProfilesInOrder_AndStillEveryReadableSpace()
    {
        var w = await SeedAsync();

        var body = await GetOkAsync(Server.Client, "overview?space=" + w.A);

        // Ordered by space, name, version, drift type: "c" before "p".
        Assert.Equal([w.Inactive, w.Psi], body.GetProperty("profiles").EnumerateArray().Select(p => p.GetProperty("uid").GetGuid()));
        Assert.Contains(w.B, Strings(body.GetProperty("spaces")));
    }

    [Fact]
    public async Task ReadOnlyUserOfOneSpace_SeesThatSpaceOnly_AndIsForbiddenTheOther()
    {
        var w = await SeedAsync();
        var reader = await Server.UserClientAsync("reader-" + w.A, (w.A, SpaceRole.Read));

        var body = await GetOkAsync(reader, "overview");
        using var other = await reader.GetAsync("overview?space=" + w.B, Ct);

        Assert.Equal([w.A], Strings(body.GetProperty("spaces")));
        Assert.Equal([w.Inactive, w.Psi], body.GetProperty("profiles").EnumerateArray().Select(p => p.GetProperty("uid").GetGuid()));
        Assert.DoesNotContain(w.B, body.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(w.Other.ToString(), body.GetRawText(), StringComparison.Ordinal);
        AssertOpenAlerts(ByUid(body)[w.Psi], total: 3, critical: 2, warning: 1, firing: 2, acknowledged: 1);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal("forbidden", (await DataTestServer.ReadAsync(other)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task CallerOfASpaceWithoutProfiles_GetsThatSpaceAndNoProfiles()
    {
        await SeedAsync();
        var empty = NewSpace();
        var key = await Server.ApiKeyClientAsync((empty, SpaceRole.Read));

        var body = await GetOkAsync(key, "overview");

        Assert.Equal([empty], Strings(body.GetProperty("spaces")));
        Assert.Equal(0, body.GetProperty("profiles").GetArrayLength());
    }

    [Fact]
    public async Task Store_BeyondTheLimit_ReturnsTheFirstProfilesAndSaysTruncated()
    {
        var w = await SeedAsync();
        var store = Server.App.Services.GetRequiredService<OverviewStore>();

        var one = await store.ReadAsync([w.A], 1, Ct);
        var two = await store.ReadAsync([w.A], 2, Ct);
        var both = await store.ReadAsync([w.A, w.B], 3, Ct);

        Assert.True(one.Truncated);
        Assert.Equal([w.Inactive], one.Profiles.Select(p => p.Uid));
        Assert.False(two.Truncated);
        Assert.Equal([w.Inactive, w.Psi], two.Profiles.Select(p => p.Uid));
        Assert.False(both.Truncated);
        Guid[] expected = string.CompareOrdinal(w.A, w.B) < 0 ? [w.Inactive, w.Psi, w.Other] : [w.Other, w.Inactive, w.Psi];
        Assert.Equal(expected, both.Profiles.Select(p => p.Uid));
        Assert.Equal(w.PsiLatestCheck, both.LatestChecks[w.Psi].Id);
        Assert.Equal(w.OtherCheck, both.LatestChecks[w.Other].Id);
        Assert.False(both.LatestChecks.ContainsKey(w.Inactive));
        // Four open alerts were written (the resolved one is not counted).
        Assert.Equal(4, both.OpenAlerts.Sum(g => g.Sum(x => x.Count)));
    }
}

public sealed class SqliteOverviewApiTests(ServerFixture fixture) : OverviewApiTests(fixture), IClassFixture<ServerFixture>;

public sealed class PostgresOverviewApiTests(PostgresServerFixture fixture) : OverviewApiTests(fixture), IClassFixture<PostgresServerFixture>;
