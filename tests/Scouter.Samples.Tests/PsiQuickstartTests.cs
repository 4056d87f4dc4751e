using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Scouter.Client;
using Scouter.Server;
using Xunit;

namespace Scouter.Samples.Tests;

public sealed class PsiQuickstartTests
{
    private static readonly string[] Regions = ["north", "south", "east", "west"];

    [Fact]
    public async Task Predict_200Requests_ServerStoresPsiCountsForEveryFeature()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await SampleServer.StartAsync();
        var dir = Directory.CreateTempSubdirectory("scouter-psi-sample-").FullName;
        var profilePath = Path.Combine(dir, "psi_profile.json");
        try
        {
            var app = await PsiQuickstart.Program.BuildAsync(server.SampleArgs($"--PSI_PROFILE_PATH={profilePath}"), ct);
            Guid uid;
            await using (app)
            {
                // The profile was built from credit_train.csv, registered and saved to the path.
                Assert.True(File.Exists(profilePath));
                var saved = PsiDriftProfile.Load(profilePath);
                Assert.Equal(["Age", "CreditScore", "DebtRatio", "Income", "Region"], saved.Features.Keys.Order(StringComparer.Ordinal));

                await app.StartAsync(ct);
                uid = app.Services.GetRequiredService<ScouterQueue>()[PsiQuickstart.Program.Alias].Profile.Config.Uid;
                Assert.Equal(saved.Config.Uid, uid);
                using var http = new HttpClient { BaseAddress = new Uri(ScouterServer.Url(app)) };
                var random = new Random(7);
                for (var i = 0; i < 200; i++)
                {
                    using var response = await http.PostAsJsonAsync("/predict", new
                    {
                        age = 20 + random.Next(50),
                        income = 20_000 + random.NextDouble() * 80_000,
                        credit_score = 450 + random.Next(350),
                        debt_ratio = random.NextDouble(),
                        region = Regions[i % Regions.Length],
                    }, ct);
                    response.EnsureSuccessStatusCode();
                    using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
                    var value = body.RootElement.GetProperty("value").GetDouble();
                    Assert.InRange(value, 0, 1);
                }
                // Graceful stop: the host flushes the queue and waits for delivery.
                await app.StopAsync(ct);
            }

            await using var admin = server.AdminClient();
            var drift = await CustomMetricQuickstartTests.WaitForAsync(async () =>
            {
                var now = TimeProvider.System.GetUtcNow();
                return await admin.GetPsiDriftAsync(uid, now.AddHours(-1), now.AddMinutes(1), cancellationToken: ct);
            }, d => d.Features.Count == 5 && d.Features.Values.All(f => f.N >= 200), ct);
            Assert.Equal(5, drift.Features.Count);
            Assert.All(drift.Features, f => Assert.Equal(200, f.Value.N));

            var info = Assert.Single(await admin.ListProfilesAsync(new ProfileFilter { Space = "credit" }, ct));
            Assert.Equal(uid, info.Uid);
            Assert.True(info.Active);

            // A second start uses the saved profile (no new registration).
            await using (var again = await PsiQuickstart.Program.BuildAsync(server.SampleArgs($"--PSI_PROFILE_PATH={profilePath}"), ct))
            {
                await again.StartAsync(ct);
                await again.StopAsync(ct);
            }
            Assert.Single(await admin.ListProfilesAsync(new ProfileFilter { Space = "credit" }, ct));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
