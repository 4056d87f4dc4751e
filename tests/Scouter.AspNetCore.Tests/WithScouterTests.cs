using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Scouter.Client;
using Scouter.Client.Transports;
using Scouter.Data;
using Scouter.Hosting;
using Scouter.Records;
using Xunit;

namespace Scouter.AspNetCore.Tests;

public sealed class WithScouterTests
{
    [Fact]
    public async Task WithScouter_ThousandRequests_AllInsertsDeliveredAfterGracefulStop()
    {
        var transport = new InMemoryTransport();
        var (app, http) = await TestApp.StartAsync(
            q => q.AddProfile("psi", TestApp.PsiProfile()).UseTransport(transport),
            a => a.MapPost("/predict", (HttpContext ctx, int i) =>
            {
                ctx.SetScouterData("psi", TestApp.Row(i));
                return Results.Ok(i);
            }).WithScouter());
        await using (app)
        using (http)
        {
            await Parallel.ForAsync(0, 1000, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = TestContext.Current.CancellationToken }, async (i, ct) =>
            {
                using var response = await http.PostAsync($"/predict?i={i}", null, ct);
                response.EnsureSuccessStatusCode();
            });
            var queue = app.Services.GetRequiredService<ScouterQueue>();
            Assert.Equal(1000, queue.Statistics.Inserted);

            await app.StopAsync(TestContext.Current.CancellationToken);

            Assert.Equal(1000, TestApp.PsiCount(transport, "x"));
            Assert.Equal(1000, TestApp.PsiCount(transport, "c"));
            Assert.All(queue.Statistics.Dropped.Values, d => Assert.Equal(0, d.Items));
        }
    }

    [Fact]
    public async Task WithScouter_SlowTransport_ResponseDoesNotWaitForDelivery()
    {
        var transport = new GatedTransport();
        var (app, http) = await TestApp.StartAsync(
            q => q.AddProfile("psi", TestApp.PsiProfile()).UseTransport(transport).Configure(o => o.FlushInterval = TimeSpan.FromMilliseconds(20)),
            a => a.MapPost("/predict", (HttpContext ctx, int i) =>
            {
                ctx.SetScouterData("psi", TestApp.Row(i));
                return Results.Ok();
            }).WithScouter());
        await using (app)
        using (http)
        {
            var ct = TestContext.Current.CancellationToken;
            (await http.PostAsync("/predict?i=0", null, ct)).EnsureSuccessStatusCode();
            for (var wait = 0; transport.Attempts == 0; wait++)
            {
                Assert.True(wait < 1000, "the first batch was never sent");
                await Task.Delay(10, ct);
            }

            // A send is now stuck in the transport; requests must still complete at once.
            for (var i = 1; i <= 20; i++)
            {
                var watch = Stopwatch.StartNew();
                using var response = await http.PostAsync($"/predict?i={i}", null, ct);
                response.EnsureSuccessStatusCode();
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"request {i} took {watch.Elapsed}");
            }
            Assert.Empty(transport.Records);

            transport.Open();
            await app.StopAsync(ct);
            Assert.Equal(21, transport.Records.OfType<PsiRecord>().Where(r => r.Feature == "x").Sum(r => r.BinCounts.Values.Sum()));
        }
    }

    [Fact]
    public async Task WithScouter_UnknownAlias_RequestSucceedsAndIsCounted()
    {
        var transport = new InMemoryTransport();
        var (app, http) = await TestApp.StartAsync(
            q => q.AddProfile("psi", TestApp.PsiProfile()).UseTransport(transport),
            a => a.MapPost("/predict", (HttpContext ctx) =>
            {
                ctx.SetScouterData("nope", TestApp.Row(1));
                ctx.SetScouterData("psi", TestApp.Row(2));
                return Results.Text("ok");
            }).WithScouter());
        await using (app)
        using (http)
        {
            var ct = TestContext.Current.CancellationToken;
            for (var i = 0; i < 3; i++)
            {
                using var response = await http.PostAsync("/predict", null, ct);
                Assert.Equal(200, (int)response.StatusCode);
                Assert.Equal("ok", await response.Content.ReadAsStringAsync(ct));
            }
            await app.StopAsync(ct);

            Assert.Equal(3, ScouterDataRouter.For(app.Services.GetRequiredService<ScouterQueueHost>(), app.Services).UnknownAliasCount);
            Assert.Equal(3, TestApp.PsiCount(transport, "x"));
        }
    }

    [Fact]
    public async Task WithScouter_SeveralAliasesAndFeatureSource_AllInserted()
    {
        var transport = new InMemoryTransport();
        // "b" is profiled from Input objects, so its features are named as Input's properties (X, C).
        var inputProfile = Drifter.CreatePsiProfile(
            ColumnTable.FromObjects(Enumerable.Range(0, 10).Select(i => new Input { X = i + 1, C = i % 2 == 0 ? "a" : "b" }).ToList()),
            new PsiDriftConfig { Space = "s", Name = "b" });
        var (app, http) = await TestApp.StartAsync(
            q => q.AddProfile("a", TestApp.PsiProfile("a")).AddProfile("b", inputProfile).UseTransport(transport),
            a => a.MapPost("/predict", (HttpContext ctx) =>
            {
                ctx.SetScouterData("a", TestApp.Row(1));
                ctx.SetScouterData("b", new Input { X = 3, C = "b" });
                return Results.Ok();
            }).WithScouter());
        await using (app)
        using (http)
        {
            var ct = TestContext.Current.CancellationToken;
            for (var i = 0; i < 5; i++) (await http.PostAsync("/predict", null, ct)).EnsureSuccessStatusCode();
            await app.StopAsync(ct);

            var queue = app.Services.GetRequiredService<ScouterQueue>();
            var byUid = transport.Records.OfType<PsiRecord>().Where(r => r.Feature is "x" or "X")
                .GroupBy(r => r.Uid).ToDictionary(g => g.Key, g => g.Sum(r => r.BinCounts.Values.Sum()));
            Assert.Equal(5, byUid[queue["a"].Profile.Config.Uid]);
            Assert.Equal(5, byUid[queue["b"].Profile.Config.Uid]);
            Assert.Equal(0, queue.Statistics.Errors.Values.Sum());
        }
    }

    [Fact]
    public async Task Handler_InjectedScouterQueue_IsTheRegisteredSingleton()
    {
        var transport = new InMemoryTransport();
        ScouterQueue? seen = null;
        var (app, http) = await TestApp.StartAsync(
            q => q.AddProfile("psi", TestApp.PsiProfile()).UseTransport(transport),
            a => a.MapPost("/direct", (ScouterQueue queue, int i) =>
            {
                seen = queue;
                queue["psi"].Insert(TestApp.Row(i));
                return Results.Ok();
            }));
        await using (app)
        using (http)
        {
            var ct = TestContext.Current.CancellationToken;
            for (var i = 0; i < 10; i++) (await http.PostAsync($"/direct?i={i}", null, ct)).EnsureSuccessStatusCode();
            Assert.Same(app.Services.GetRequiredService<ScouterQueue>(), seen);
            await app.StopAsync(ct);
            Assert.Equal(10, TestApp.PsiCount(transport, "x"));
        }
    }

    public sealed class Input : IFeatureSource
    {
        public double X { get; init; }

        public string C { get; init; } = "";
    }
}
