using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Scouter.Client;
using Scouter.Client.Transports;
using Scouter.Server;
using Scouter.Testing;
using Xunit;

namespace Scouter.AspNetCore.Tests;

public sealed class AddScouterQueueTests
{
    [Fact]
    public async Task AddScouterQueue_CalledTwice_OneQueueWithProfilesOfBothCalls()
    {
        var services = new ServiceCollection();
        var transport = new InMemoryTransport();
        services.AddScouterQueue(q => q.AddProfile("a", TestApp.PsiProfile("a")).UseTransport(transport));
        services.AddScouterQueue(q => q.AddProfile("b", TestApp.PsiProfile("b")));

        Assert.Single(services, d => d.ServiceType == typeof(ScouterQueue));
        Assert.Single(services, d => d.ServiceType == typeof(IHostedService));

        await using var provider = services.BuildServiceProvider();
        var hosted = Assert.Single(provider.GetServices<IHostedService>());
        await hosted.StartAsync(TestContext.Current.CancellationToken);
        var queue = provider.GetRequiredService<ScouterQueue>();
        Assert.Same(queue, provider.GetRequiredService<ScouterQueue>());
        Assert.Equal(["a", "b"], queue.Aliases.Order(StringComparer.Ordinal));
        await hosted.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public void AddProfile_SameAliasTwice_Throws()
    {
        var services = new ServiceCollection();
        services.AddScouterQueue(q => q.AddProfile("a", TestApp.PsiProfile()));
        var ex = Assert.Throws<ArgumentException>(() => services.AddScouterQueue(q => q.AddProfile("a", "other.json")));
        Assert.Contains("'a'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ScouterQueue_ResolvedBeforeHostStart_ThrowsClearly()
    {
        var services = new ServiceCollection();
        services.AddScouterQueue(q => q.AddProfile("a", TestApp.PsiProfile()).UseTransport(new InMemoryTransport()));
        using var provider = services.BuildServiceProvider();
        var ex = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<ScouterQueue>());
        Assert.Contains("when the host starts", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WithoutTransport_FailsWithClearMessage()
    {
        var services = new ServiceCollection();
        services.AddScouterQueue(q => q.AddProfile("a", TestApp.PsiProfile()));
        await using var provider = services.BuildServiceProvider();
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => provider.GetServices<IHostedService>().Single().StartAsync(TestContext.Current.CancellationToken));
        Assert.Contains("UseHttp()", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddProfile_FromPath_LoadedAtStart()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("scouter-aspnet-").FullName, "psi.json");
        TestApp.PsiProfile().Save(path);
        var services = new ServiceCollection();
        services.AddScouterQueue(q => q.AddProfile("psi", path).UseTransport(new InMemoryTransport()));
        await using var provider = services.BuildServiceProvider();
        var hosted = provider.GetServices<IHostedService>().Single();
        await hosted.StartAsync(TestContext.Current.CancellationToken);
        Assert.Equal(DriftType.Psi, provider.GetRequiredService<ScouterQueue>()["psi"].DriftType);
        await hosted.StopAsync(TestContext.Current.CancellationToken);
    }
}

public sealed class ServerIntegrationTests
{
    private const string AdminPassword = "aspnet-tests-admin-pw";

    [Fact]
    public async Task AddProfile_ByRequest_DownloadsFromServer_AndUseHttp_DeliversRecords()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StartServerAsync();
        var serverUrl = ScouterServer.Url(server);
        using var admin = new ScouterClient(new ScouterClientOptions { ServerUri = serverUrl, Username = "admin", Password = AdminPassword });
        var profile = TestApp.PsiProfile("predictor", "aspnet", "1.0.0");
        var registered = await admin.RegisterProfileAsync(profile, setActive: true, cancellationToken: ct);
        var uid = registered.Config.Uid;

        var (app, http) = await TestApp.StartAsync(
            q => q.AddProfile("psi", new GetProfileRequest { Space = "aspnet", Name = "predictor", Version = "1.0.0", DriftType = DriftType.Psi })
                .ConfigureClient(o =>
                {
                    o.ServerUri = serverUrl;
                    o.Username = "admin";
                    o.Password = AdminPassword;
                })
                .UseHttp(),
            a => a.MapPost("/predict", (HttpContext ctx, int i) =>
            {
                ctx.SetScouterData("psi", TestApp.Row(i));
                return Results.Ok();
            }).WithScouter());
        await using (app)
        using (http)
        {
            var queue = app.Services.GetRequiredService<ScouterQueue>();
            Assert.Equal(uid, queue["psi"].Profile.Config.Uid);
            for (var i = 0; i < 50; i++) (await http.PostAsync($"/predict?i={i}", null, ct)).EnsureSuccessStatusCode();
            await app.StopAsync(ct);
            Assert.True(queue.Statistics.RecordsSent > 0);
            Assert.All(queue.Statistics.Dropped.Values, d => Assert.Equal(0, d.Items));
        }

        long n = 0;
        for (var attempt = 0; attempt < 200 && n < 50; attempt++)
        {
            var now = TimeProvider.System.GetUtcNow();
            var drift = await admin.GetPsiDriftAsync(uid, now.AddHours(-1), now.AddMinutes(1), cancellationToken: ct);
            n = drift.Features.TryGetValue("x", out var x) ? x.N : 0;
            if (n < 50) await Task.Delay(25, ct);
        }
        Assert.Equal(50, n);
    }

    private static async Task<WebApplication> StartServerAsync()
    {
        var dataDir = Directory.CreateTempSubdirectory("scouter-aspnet-server-").FullName;
        var app = ScouterServer.Build([], o =>
        {
            o.Port = 0;
            o.DataDir = dataDir;
            o.AdminPassword = AdminPassword;
            o.JwtSecret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
        }, s => s.AddTestOutputLogging());
        await app.StartAsync(TestContext.Current.CancellationToken);
        return app;
    }
}
