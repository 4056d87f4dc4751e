namespace Scouter.Server.Storage.Rollups;

/// <summary>A roll-up row's key: profile, hour (see <see cref="RollupGrain"/>) and feature or metric.</summary>
/// <param name="Uid">Profile uid.</param>
/// <param name="Hour">Hour index.</param>
/// <param name="Name">Feature or metric name.</param>
internal readonly record struct RollupKey(Guid Uid, long Hour, string Name);

/// <summary>Sum and count of metric values (custom values; LLM scores with count 1 each).</summary>
internal struct MetricSum
{
    public double Sum;
    public double Count;

    public void Add(double sum, double count)
    {
        Sum += sum;
        Count += count;
    }
}

/// <summary>Statistics of SPC sample means: samples, values (Σ count), Σmean, Σmean², min, max (finite means only).</summary>
internal struct SpcStats
{
    public double Samples;
    public double Values;
    public double Sum;
    public double SumSquares;
    public double Min;
    public double Max;

    public static SpcStats Of(double samples, double values, double sum, double sumSquares, double min, double max) =>
        new() { Samples = samples, Values = values, Sum = sum, SumSquares = sumSquares, Min = min, Max = max };

    public void Add(double mean, double count) => Merge(Of(1, count, mean, mean * mean, mean, mean));

    public void Merge(SpcStats other)
    {
        if (other.Samples == 0) return;
        Min = Samples == 0 ? other.Min : Math.Min(Min, other.Min);
        Max = Samples == 0 ? other.Max : Math.Max(Max, other.Max);
        Samples += other.Samples;
        Values += other.Values;
        Sum += other.Sum;
        SumSquares += other.SumSquares;
    }
}

/// <summary>
/// What one roll-up pass adds, keyed by (profile, hour, name): PSI bin counts, SPC statistics,
/// custom sums and LLM score sums. Sums are doubles: never an overflow exception, ±infinity or NaN
/// when stored values do not add up (only rows written outside ingestion can), as in raw reads.
/// </summary>
internal sealed class RollupDelta
{
    public Dictionary<RollupKey, Dictionary<int, double>> Psi { get; } = [];
    public Dictionary<RollupKey, SpcStats> Spc { get; } = [];
    public Dictionary<RollupKey, MetricSum> Custom { get; } = [];
    public Dictionary<RollupKey, MetricSum> LlmScores { get; } = [];

    public long Rows { get; set; }

    public bool IsEmpty => Psi.Count == 0 && Spc.Count == 0 && Custom.Count == 0 && LlmScores.Count == 0;

    public void AddPsi(RollupKey key, int bin, double count)
    {
        if (!Psi.TryGetValue(key, out var bins)) Psi[key] = bins = [];
        bins[bin] = bins.GetValueOrDefault(bin) + count;
    }

    /// <summary>Adds a sample mean; non-finite means are skipped, as every SPC read skips them.</summary>
    public void AddSpc(RollupKey key, double mean, double count)
    {
        if (!double.IsFinite(mean)) return;
        ref var stats = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(Spc, key, out _);
        stats.Add(mean, count);
    }

    public static void AddMetric(Dictionary<RollupKey, MetricSum> sums, RollupKey key, double sum, double count)
    {
        ref var value = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(sums, key, out _);
        value.Add(sum, count);
    }
}
