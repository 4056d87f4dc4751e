using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Scouter.Client;
using Scouter.Server;
using Xunit;

namespace Scouter.Samples.Tests;

public sealed class CustomMetricQuickstartTests
{
    [Fact]
    public async Task Predict_200Requests_ServerStoresTheMetric_AndTheProfileIsRegisteredAsInTheSeed()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await SampleServer.StartAsync();

        var app = await CustomMetricQuickstart.Program.BuildAsync(server.SampleArgs(), ct);
        Guid uid;
        var values = new List<double>();
        await using (app)
        {
            await app.StartAsync(ct);
            uid = app.Services.GetRequiredService<ScouterQueue>()[CustomMetricQuickstart.Program.Alias].Profile.Config.Uid;
            using var http = new HttpClient { BaseAddress = new Uri(ScouterServer.Url(app)) };
            var random = new Random(42);
            for (var i = 0; i < 200; i++)
            {
                var malicAcid = Math.Round(0.5 + random.NextDouble() * 5, 3);
                values.Add(malicAcid);
                using var response = await http.PostAsJsonAsync("/predict",
                    new { malic_acid = malicAcid, total_phenols = 2.0 + i % 7 * 0.1, color_intensity = 4.0 + i % 5 }, ct);
                response.EnsureSuccessStatusCode();
                using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
                Assert.Equal("success", body.RootElement.GetProperty("message").GetString());
            }
            // Graceful stop: the host flushes the queue and waits for delivery.
            await app.StopAsync(ct);
        }

        await using var admin = server.AdminClient();
        var metric = await WaitForAsync(async () =>
        {
            var now = TimeProvider.System.GetUtcNow();
            var drift = await admin.GetCustomDriftAsync(uid, now.AddHours(-1), now.AddMinutes(1), cancellationToken: ct);
            return drift.Metrics.TryGetValue("custom_metric", out var series) ? series : null;
        }, m => m.Count >= 200, ct);
        Assert.Equal(200, metric.Count);
        Assert.NotNull(metric.Mean);
        Assert.Equal(values.Average(), metric.Mean.Value, 9);
        Assert.Equal(0.03, metric.Baseline);
        Assert.Equal(AlertThreshold.Above, metric.Condition);
        Assert.Equal(0.02, metric.Delta);

        var profile = Assert.IsType<CustomDriftProfile>(await admin.GetProfileAsync(uid, ct));
        Assert.Equal(("wine_model", "wine_model", "0.0.1"), (profile.Config.Space, profile.Config.Name, profile.Config.Version));
        Assert.Equal(CommonCrons.EveryWeek, profile.Config.AlertConfig.Schedule);
        var opsGenie = Assert.IsType<OpsGenieDispatchConfig>(Assert.Single(profile.Config.AlertConfig.Dispatch));
        Assert.Equal("the-ds-team", opsGenie.Team);
        var custom = Assert.Single(profile.Metrics);
        Assert.Equal("custom_metric", custom.Name);

        var info = Assert.Single(await admin.ListProfilesAsync(new ProfileFilter { Space = "wine_model" }, ct));
        Assert.True(info.Active);
        Assert.Equal(CommonCrons.EveryWeek, info.Schedule);
        Assert.Equal(uid, info.Uid);
    }

    [Fact]
    public async Task Build_Twice_AgainstTheSameServer_ReusesTheRegisteredProfile()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await SampleServer.StartAsync();
        await using (await CustomMetricQuickstart.Program.BuildAsync(server.SampleArgs(), ct))
        {
        }
        await using var again = await CustomMetricQuickstart.Program.BuildAsync(server.SampleArgs(), ct);
        await again.StartAsync(ct);
        await again.StopAsync(ct);
        await using var admin = server.AdminClient();
        Assert.Single(await admin.ListProfilesAsync(new ProfileFilter { Space = "wine_model" }, ct));
    }

    internal static async Task<T> WaitForAsync<T>(Func<Task<T?>> read, Func<T, bool> done, CancellationToken ct) where T : class
    {
        T? last = null;
        for (var attempt = 0; attempt < 200; attempt++)
        {
            last = await read();
            if (last is not null && done(last)) return last;
            await Task.Delay(25, ct);
        }
        return last ?? throw new Xunit.Sdk.XunitException("The server never returned the data.");
    }
}
