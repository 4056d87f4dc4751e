using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scouter.Client.Transports;
using Scouter.Data;
using Scouter.Hosting;
using Scouter.Records;
using Scouter.Server;
using Xunit;

namespace Scouter.AspNetCore.Tests;

/// <summary>A real WebApplication (Kestrel on 127.0.0.1, free port) with AddScouterQueue.</summary>
internal static class TestApp
{
    /// <summary>x: numeric 1..10 in 4 quantile bins; c: categories a, b, c.</summary>
    public static PsiDriftProfile PsiProfile(string name = "psi", string space = "s", string version = "0.1.0") => Drifter.CreatePsiProfile(
        new ColumnTable.Builder()
            .AddNumeric("x", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
            .AddCategorical("c", ["a", "b", "b", "c", "a", "b", "c", "a", "b", "b"])
            .Build(),
        new PsiDriftConfig { Space = space, Name = name, Version = version, Binning = BinningStrategy.Quantile(4) });

    public static Features Row(int i) => new(new Dictionary<string, object?> { ["x"] = (double)(i % 10 + 1), ["c"] = (i % 3) switch { 0 => "a", 1 => "b", _ => "c" } });

    public static async Task<(WebApplication App, HttpClient Http)> StartAsync(Action<ScouterQueueBuilder> queue, Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddScouterQueue(queue);
        var app = builder.Build();
        map(app);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return (app, new HttpClient { BaseAddress = new Uri(ScouterServer.Url(app)) });
    }

    /// <summary>Sum of the PSI bin counts of <paramref name="feature"/> over all delivered records.</summary>
    public static long PsiCount(InMemoryTransport transport, string feature) =>
        transport.Records.OfType<PsiRecord>().Where(r => r.Feature == feature).Sum(r => r.BinCounts.Values.Sum());
}

/// <summary>A transport whose sends wait until <see cref="Open"/> is called.</summary>
internal sealed class GatedTransport : IRecordTransport
{
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<RecordBatch> _batches = new();
    private int _attempts;

    public string Name => "gated";

    public int Attempts => Volatile.Read(ref _attempts);

    public IReadOnlyList<DriftRecord> Records => [.. _batches.SelectMany(b => b.Records)];

    public void Open() => _gate.TrySetResult();

    public async Task<IReadOnlyList<RejectedRecord>> SendAsync(RecordBatch batch, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _attempts);
        await _gate.Task.WaitAsync(cancellationToken);
        _batches.Enqueue(batch);
        return [];
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
