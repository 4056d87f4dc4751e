using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Scouter.Client;
using Scouter.Client.Transports;
using Scouter.Data;

namespace Scouter.Benchmarks;

/// <summary>
/// The request-path cost of <c>ScouterQueue.Insert</c> (issue target: typed object ≤ 100 ns and 0 bytes
/// per call) and the PSI aggregator's throughput on the worker (target ≥ 20 million feature values/s
/// on one core).
/// </summary>
[MemoryDiagnoser]
public class QueueBenchmarks
{
    private const int InsertsPerInvoke = 1_000;

    private ScouterQueue _queue = null!;
    private ProfileQueue _psi = null!;
    private PsiAggregator _aggregator = null!;
    private Request _request = null!;
    private Features _features = null!;
    private Dictionary<string, object?> _dictionary = null!;

    /// <summary>A model request with 20 numeric features, marked for ToFeatures().</summary>
    public sealed class Request : IFeatureSource
    {
        public double F0 { get; init; }
        public double F1 { get; init; }
        public double F2 { get; init; }
        public double F3 { get; init; }
        public double F4 { get; init; }
        public double F5 { get; init; }
        public double F6 { get; init; }
        public double F7 { get; init; }
        public double F8 { get; init; }
        public double F9 { get; init; }
        public double F10 { get; init; }
        public double F11 { get; init; }
        public double F12 { get; init; }
        public double F13 { get; init; }
        public double F14 { get; init; }
        public double F15 { get; init; }
        public double F16 { get; init; }
        public double F17 { get; init; }
        public double F18 { get; init; }
        public double F19 { get; init; }
    }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(3);
        var rows = Enumerable.Range(0, 5_000).Select(_ => new Request
        {
            F0 = random.NextDouble(), F1 = random.NextDouble(), F2 = random.NextDouble(), F3 = random.NextDouble(), F4 = random.NextDouble(),
            F5 = random.NextDouble(), F6 = random.NextDouble(), F7 = random.NextDouble(), F8 = random.NextDouble(), F9 = random.NextDouble(),
            F10 = random.NextDouble(), F11 = random.NextDouble(), F12 = random.NextDouble(), F13 = random.NextDouble(), F14 = random.NextDouble(),
            F15 = random.NextDouble(), F16 = random.NextDouble(), F17 = random.NextDouble(), F18 = random.NextDouble(), F19 = random.NextDouble(),
        }).ToList();
        var profile = Drifter.CreatePsiProfile(ColumnTable.FromObjects(rows), new PsiDriftConfig { Space = "bench", Name = "queue" });
        _queue = ScouterQueue.FromProfiles(new Dictionary<string, DriftProfile> { ["psi"] = profile }, new InMemoryTransport());
        _psi = _queue["psi"];
        _aggregator = new PsiAggregator(profile, TimeProvider.System, new InsertErrorReporter("psi", new QueueStats(), NullLogger.Instance, TimeProvider.System));
        _request = rows[0];
        _features = _request.ToFeatures();
        _dictionary = _features.ToDictionary(f => f.Name, f => (object?)f.Number);
    }

    [GlobalCleanup]
    public void Cleanup() => _queue.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Insert of a typed object (the recommended path).</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = InsertsPerInvoke)]
    public void InsertTypedObject()
    {
        for (var i = 0; i < InsertsPerInvoke; i++) _psi.Insert(_request);
    }

    /// <summary>Building <see cref="Features"/> from a dictionary, then inserting it.</summary>
    [Benchmark(OperationsPerInvoke = InsertsPerInvoke)]
    public void InsertDictionaryFeatures()
    {
        for (var i = 0; i < InsertsPerInvoke; i++) _psi.Insert(new Features(_dictionary));
    }

    /// <summary>Worker-side PSI binning of one 20-feature insert (20 feature values per operation).</summary>
    [Benchmark(OperationsPerInvoke = InsertsPerInvoke)]
    public void PsiAggregatorAdd()
    {
        for (var i = 0; i < InsertsPerInvoke; i++) _aggregator.Add(_features);
        if (_aggregator.IsFull) _aggregator.Cut(TimeProvider.System.GetUtcNow(), final: false);
    }
}
