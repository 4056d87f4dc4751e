using System.Net;
using System.Text.Json;
using Scouter.Server.Storage;
using Scouter.Server.Tests.Fixtures;
using Xunit;

namespace Scouter.Server.Tests.Hardening;

/// <summary>
/// Concurrent registrations with <c>bump=true</c> of the same space/name: each caller gets its own
/// version (a unique-key conflict makes the loser compute the next version again), none gets 409.
/// </summary>
public sealed class ConcurrentBumpTests
{
    private const int Callers = 20;

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task TwentyConcurrentBumps_GetTwentyDistinctVersions_NoConflict(SqlDialect dialect)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await DataTestServer.StartAsync(dialect);
        var space = "s" + Guid.NewGuid().ToString("N")[..10];
        using var start = new SemaphoreSlim(0, Callers);

        var calls = Enumerable.Range(0, Callers).Select(async _ =>
        {
            await start.WaitAsync(ct);
            using var response = await server.Client.PostAsync("profiles",
                DataTestServer.Json(DataTestServer.RegisterBody(TestProfiles.Psi(space, version: "1.0.0"), setActive: true, bump: true)), ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            return (response.StatusCode, Text: text);
        }).ToArray();
        start.Release(Callers);
        var results = await Task.WhenAll(calls);

        foreach (var (status, text) in results) Assert.True(status == HttpStatusCode.Created, $"{(int)status} {text}");
        var versions = results.Select(r => JsonDocument.Parse(r.Text).RootElement.GetProperty("version").GetString()!).Order(StringComparer.Ordinal).ToArray();
        // The first insert keeps 1.0.0; every later one takes the next patch of what is stored.
        var expected = Enumerable.Range(0, Callers).Select(i => $"1.0.{i}").Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expected, versions);
    }
}
