using System.Text.Json.Nodes;
using Parquet;
using Parquet.Schema;
using Xunit;

namespace Scouter.Cli.Tests;

public sealed class ParquetInputTests : IDisposable
{
    private static readonly DataField<double?> Score = new("score");
    private static readonly DataField<string> Segment = new("segment");

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private async Task<string> WriteAsync(string name, double shift)
    {
        var path = _dir.Combine(name);
        var random = new Random(42);
        var scores = Enumerable.Range(0, 2000).Select(i => i % 100 == 0 ? (double?)null : random.NextDouble() + shift).ToArray();
        var segments = Enumerable.Range(0, 2000).Select(i => shift > 0 && i % 2 == 0 ? "b" : "a").ToArray();
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(Score, Segment), stream, cancellationToken: TestContext.Current.CancellationToken);
        using var group = writer.CreateRowGroup();
        await group.WriteAsync<double>(Score, scores, cancellationToken: TestContext.Current.CancellationToken);
        await group.WriteAsync(Segment, segments, null);
        return path;
    }

    [Fact]
    public async Task ProfileAndDrift_FromParquetFiles()
    {
        var train = await WriteAsync("train.parquet", 0);
        var live = await WriteAsync("live.parquet", 0.5);
        var profile = _dir.Combine("psi.json");

        var created = await CliRunner.RunAsync("profile", "create", "--type", "psi", "--input", train, "-o", profile);
        var drift = await CliRunner.RunAsync("drift", "compute", "--profile", profile, "--input", live, "--json");

        Assert.Equal(0, created.ExitCode);
        var psi = PsiDriftProfile.Load(profile);
        Assert.Equal(20, psi.Features["score"].MissingCount);
        Assert.Equal(["a"], psi.Features["segment"].Categories);
        Assert.Equal(0, drift.ExitCode);
        var features = JsonNode.Parse(drift.Out)!["features"]!;
        Assert.True((bool)features["score"]!["alert"]!);
        Assert.True((bool)features["segment"]!["alert"]!, "category 'b' was never seen in training");
    }

    [Fact]
    public async Task NotParquet_IsBadInputNamingTheFile()
    {
        var path = _dir.File("fake.parquet", "a,b\n1,2\n");
        var result = await CliRunner.RunAsync("profile", "create", "--type", "psi", "--input", path, "-o", _dir.Combine("o.json"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(path, Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }
}
