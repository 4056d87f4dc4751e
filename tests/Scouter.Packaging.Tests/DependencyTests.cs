using Xunit;

namespace Scouter.Packaging.Tests;

/// <summary>What an app restores when it takes one package: a serving app gets only what it uses.</summary>
public sealed class DependencyTests(PackedPackages packed)
{
    /// <summary>Profile building's dependencies: file readers and the statistics library.</summary>
    private static readonly string[] ProfilingDependencies = ["Parquet.Net", "MathNet.Numerics", "Sylvan.Data.Csv"];

    private const string AspNetCoreFramework = "Microsoft.AspNetCore.App";

    [Fact]
    public async Task ClientPackage_RestoresNeitherProfilingNorAspNetCore()
    {
        var app = await RestoredApp.RestoreAsync(packed, "client-app", ["Scouter.Client"], TestContext.Current.CancellationToken);

        Assert.Contains("Scouter.Core", app.Packages);
        foreach (var id in ProfilingDependencies) Assert.DoesNotContain(id, app.Packages);
        Assert.DoesNotContain("Scouter.Profiling", app.Packages);
        Assert.DoesNotContain(AspNetCoreFramework, app.FrameworkReferences);
    }

    [Theory]
    [InlineData("Scouter.Kafka", "Confluent.Kafka")]
    [InlineData("Scouter.RabbitMQ", "RabbitMQ.Client")]
    [InlineData("Scouter.Redis", "StackExchange.Redis")]
    public async Task BrokerPackage_RestoresHostingButNotAspNetCore(string package, string brokerClient)
    {
        var app = await RestoredApp.RestoreAsync(packed, "worker", [package], TestContext.Current.CancellationToken);

        Assert.Contains(brokerClient, app.Packages);
        Assert.Contains("Scouter.Hosting", app.Packages);
        Assert.Contains("Microsoft.Extensions.Hosting.Abstractions", app.Packages);
        Assert.DoesNotContain("Scouter.AspNetCore", app.Packages);
        Assert.DoesNotContain(AspNetCoreFramework, app.FrameworkReferences);
        foreach (var id in ProfilingDependencies) Assert.DoesNotContain(id, app.Packages);
    }

    [Fact]
    public async Task TheCheck_SeesProfilingAndAspNetCore_WhereAnAppTakesThem()
    {
        // The same reading of project.assets.json must find what the two tests above say is absent.
        var app = await RestoredApp.RestoreAsync(packed, "web-app", ["Scouter.AspNetCore", "Scouter.Profiling"], TestContext.Current.CancellationToken);

        foreach (var id in ProfilingDependencies) Assert.Contains(id, app.Packages);
        Assert.Contains(AspNetCoreFramework, app.FrameworkReferences);
    }
}
