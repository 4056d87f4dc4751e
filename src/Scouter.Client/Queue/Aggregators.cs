using System.Collections.Frozen;
using Scouter.Records;

namespace Scouter.Client;

/// <summary>Per-profile aggregation state; used only by the queue's worker thread.</summary>
internal abstract class Aggregator(Guid uid, TimeProvider time)
{
    protected Guid Uid { get; } = uid;

    protected TimeProvider Time { get; } = time;

    /// <summary>Whether a count threshold was reached and a batch should be cut now.</summary>
    public abstract bool IsFull { get; }

    public virtual void Add(Features features) => throw new InvalidOperationException("wrong kind");

    public virtual void Add(Metrics metrics) => throw new InvalidOperationException("wrong kind");

    public virtual void Add(LlmRecord record) => throw new InvalidOperationException("wrong kind");

    /// <summary>
    /// The records aggregated so far (null when there are none), resetting the state.
    /// <paramref name="final"/> (flush, shutdown) also emits incomplete samples.
    /// </summary>
    public abstract List<DriftRecord>? Cut(DateTimeOffset now, bool final);

    public static Aggregator Create(DriftProfile profile, TimeProvider time, Random random, Action<InsertError, string> reportError) => profile switch
    {
        PsiDriftProfile psi => new PsiAggregator(psi, time),
        SpcDriftProfile spc => new SpcAggregator(spc, time),
        CustomDriftProfile custom => new CustomAggregator(custom, time, reportError),
        LlmDriftProfile llm => new LlmAggregator(llm, time, random),
        _ => throw new ArgumentException($"Unsupported profile type {profile.GetType().Name}.", nameof(profile)),
    };

    protected static FrozenDictionary<string, int> IndexOf(string[] names)
    {
        var index = new Dictionary<string, int>(names.Length, StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++) index[names[i]] = i;
        return index.ToFrozenDictionary(StringComparer.Ordinal);
    }
}

/// <summary>PSI: bin counts per profile feature; a feature absent from an insert counts as missing (bin 0).</summary>
internal sealed class PsiAggregator : Aggregator
{
    internal const int CutEvery = 1_000;

    private readonly string[] _names;
    private readonly PsiFeatureProfile[] _profiles;
    private readonly FrozenDictionary<string, int> _index;
    private readonly long[][] _counts; // index = bin id + 1: [unseen, missing, 1..B]
    private readonly long[] _seen;
    private long _stamp;
    private int _inserts;

    public PsiAggregator(PsiDriftProfile profile, TimeProvider time) : base(profile.Config.Uid, time)
    {
        _names = [.. profile.Features.Keys];
        _profiles = [.. _names.Select(n => profile.Features[n])];
        _index = IndexOf(_names);
        _counts = [.. _profiles.Select(p => new long[p.BinCount + 2])];
        _seen = new long[_names.Length];
    }

    public override bool IsFull => _inserts >= CutEvery;

    public override void Add(Features features)
    {
        var stamp = ++_stamp;
        foreach (ref readonly var feature in features.AsSpan())
        {
            if (!_index.TryGetValue(feature.Name, out var i)) continue;
            _counts[i][_profiles[i].BinOf(feature) + 1]++;
            _seen[i] = stamp;
        }
        for (var i = 0; i < _seen.Length; i++)
        {
            if (_seen[i] != stamp) _counts[i][PsiFeatureProfile.MissingBin + 1]++;
        }
        _inserts++;
    }

    public override List<DriftRecord>? Cut(DateTimeOffset now, bool final)
    {
        if (_inserts == 0) return null;
        var records = new List<DriftRecord>(_names.Length);
        for (var i = 0; i < _names.Length; i++)
        {
            var counts = _counts[i];
            var bins = new Dictionary<int, long>();
            for (var b = 0; b < counts.Length; b++)
            {
                if (counts[b] != 0) bins[b - 1] = counts[b];
            }
            Array.Clear(counts);
            records.Add(new PsiRecord { Uid = Uid, CreatedAt = now, Feature = _names[i], BinCounts = bins });
        }
        _inserts = 0;
        return records;
    }
}

/// <summary>SPC: running sum/count per feature, one sample record per sample_size present values; features independent.</summary>
internal sealed class SpcAggregator : Aggregator
{
    private readonly string[] _names;
    private readonly FrozenDictionary<string, int> _index;
    private readonly double[] _sums;
    private readonly long[] _counts;
    private readonly int _sampleSize;
    private List<DriftRecord> _pending = [];

    public SpcAggregator(SpcDriftProfile profile, TimeProvider time) : base(profile.Config.Uid, time)
    {
        _names = [.. profile.Features.Keys];
        _index = IndexOf(_names);
        _sums = new double[_names.Length];
        _counts = new long[_names.Length];
        _sampleSize = profile.Config.SampleSize;
    }

    // One batch per "round" of samples keeps batches reasonably sized with many features.
    public override bool IsFull => _pending.Count >= _names.Length;

    public override void Add(Features features)
    {
        foreach (ref readonly var feature in features.AsSpan())
        {
            // Missing and non-numeric values carry no information for a sample mean; they are skipped.
            if (feature.Kind != FeatureValueKind.Number || !_index.TryGetValue(feature.Name, out var i)) continue;
            _sums[i] += feature.Number;
            if (++_counts[i] == _sampleSize) Complete(i, Time.GetUtcNow());
        }
    }

    public override List<DriftRecord>? Cut(DateTimeOffset now, bool final)
    {
        if (final)
        {
            for (var i = 0; i < _names.Length; i++)
            {
                if (_counts[i] > 0) Complete(i, now);
            }
        }
        if (_pending.Count == 0) return null;
        var records = _pending;
        _pending = [];
        return records;
    }

    private void Complete(int i, DateTimeOffset now)
    {
        _pending.Add(new SpcRecord { Uid = Uid, CreatedAt = now, Feature = _names[i], Mean = _sums[i] / _counts[i], Count = _counts[i] });
        _sums[i] = 0;
        _counts[i] = 0;
    }
}

/// <summary>Custom metrics: sum and count per metric, cut every sample_size inserts.</summary>
internal sealed class CustomAggregator : Aggregator
{
    private readonly string[] _names;
    private readonly FrozenDictionary<string, int> _index;
    private readonly double[] _sums;
    private readonly long[] _counts;
    private readonly int _sampleSize;
    private readonly Action<InsertError, string> _reportError;
    private int _inserts;

    public CustomAggregator(CustomDriftProfile profile, TimeProvider time, Action<InsertError, string> reportError) : base(profile.Config.Uid, time)
    {
        _names = [.. profile.Metrics.Select(m => m.Name)];
        _index = IndexOf(_names);
        _sums = new double[_names.Length];
        _counts = new long[_names.Length];
        _sampleSize = profile.Config.SampleSize;
        _reportError = reportError;
    }

    public override bool IsFull => _inserts >= _sampleSize;

    public override void Add(Metrics metrics)
    {
        foreach (var metric in metrics.AsSpan())
        {
            if (!_index.TryGetValue(metric.Name, out var i))
            {
                _reportError(InsertError.UnknownMetric, $"metric '{metric.Name}' is not in the profile (known: {string.Join(", ", _names)})");
            }
            else if (!double.IsFinite(metric.Value))
            {
                _reportError(InsertError.NonFiniteMetric, $"metric '{metric.Name}' has a non-finite value");
            }
            else
            {
                _sums[i] += metric.Value;
                _counts[i]++;
            }
        }
        _inserts++;
    }

    public override List<DriftRecord>? Cut(DateTimeOffset now, bool final)
    {
        _inserts = 0;
        List<DriftRecord>? records = null;
        for (var i = 0; i < _names.Length; i++)
        {
            if (_counts[i] == 0) continue;
            (records ??= []).Add(new CustomRecord { Uid = Uid, CreatedAt = now, Metric = _names[i], Sum = _sums[i], Count = _counts[i] });
            _sums[i] = 0;
            _counts[i] = 0;
        }
        return records;
    }
}

/// <summary>LLM: keeps each record with probability sample_rate; cut every 25 kept records.</summary>
internal sealed class LlmAggregator : Aggregator
{
    internal const int CutEvery = 25;

    private readonly double _sampleRate;
    private readonly Random _random;
    private List<DriftRecord> _kept = [];

    public LlmAggregator(LlmDriftProfile profile, TimeProvider time, Random random) : base(profile.Config.Uid, time)
    {
        _sampleRate = profile.Config.SampleRate;
        _random = random;
    }

    public override bool IsFull => _kept.Count >= CutEvery;

    public override void Add(LlmRecord record)
    {
        if (_sampleRate < 1 && _random.NextDouble() >= _sampleRate) return;
        var now = Time.GetUtcNow();
        _kept.Add(new LlmDriftRecord
        {
            Uid = Uid,
            CreatedAt = now,
            RecordId = Guid.CreateVersion7(now),
            Input = record.Input,
            Response = record.Response,
            Prompt = record.Prompt,
            Context = record.Context,
        });
    }

    public override List<DriftRecord>? Cut(DateTimeOffset now, bool final)
    {
        if (_kept.Count == 0) return null;
        var records = _kept;
        _kept = [];
        return records;
    }
}
