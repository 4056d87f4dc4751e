using System.Collections.Frozen;
using System.Globalization;
using Scouter.Records;

namespace Scouter.Client;

/// <summary>
/// Per-profile aggregation state; used only by the queue's worker thread. Every aggregator follows
/// the same insert rules (docs/client.md "Insert rules"): a name not in the profile is counted
/// (<c>unknown_feature</c> / <c>unknown_metric</c>) and ignored; an insert sharing no name with the
/// profile is counted (<c>no_known_features</c> / <c>no_known_metrics</c>) and not aggregated; a
/// numeric feature's value is read by <see cref="Feature.AsNumber"/>, text that is not a number
/// being counted (<c>not_numeric</c>) and treated as missing.
/// </summary>
internal abstract class Aggregator(DriftProfile profile, TimeProvider time, InsertErrorReporter errors)
{
    protected Guid Uid { get; } = profile.Config.Uid;

    protected TimeProvider Time { get; } = time;

    protected InsertErrorReporter Errors { get; } = errors;

    /// <summary>The profile's record rules (built once), checked on every cut record before it is sent.</summary>
    public RecordRules Rules { get; } = RecordRules.For(profile);

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

    public static Aggregator Create(DriftProfile profile, TimeProvider time, Random random, InsertErrorReporter errors) => profile switch
    {
        PsiDriftProfile psi => new PsiAggregator(psi, time, errors),
        SpcDriftProfile spc => new SpcAggregator(spc, time, errors),
        CustomDriftProfile custom => new CustomAggregator(custom, time, errors),
        LlmDriftProfile llm => new LlmAggregator(llm, time, random, errors),
        _ => throw new ArgumentException($"Unsupported profile type {profile.GetType().Name}.", nameof(profile)),
    };

    protected static FrozenDictionary<string, int> IndexOf(string[] names)
    {
        var index = new Dictionary<string, int>(names.Length, StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++) index[names[i]] = i;
        return index.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>
    /// False (and <c>no_known_features</c> counted) when no feature of the insert is in the profile:
    /// such an insert is not aggregated, since counting it as missing for every feature would raise
    /// false drift alerts.
    /// </summary>
    protected bool SharesAName(Features features, FrozenDictionary<string, int> index, string[] names)
    {
        foreach (ref readonly var feature in features.AsSpan())
        {
            if (index.ContainsKey(feature.Name)) return true;
        }
        Errors.Report(InsertError.NoKnownFeatures, (features, names), static s => s.features.Count == 0
            ? "the insert has no features; it is not aggregated"
            : $"none of the insert's features ({InsertErrorReporter.Some(s.features.Select(f => f.Name))}) is in the profile (features: {InsertErrorReporter.Some(s.names)}); the insert is not aggregated, since counting it as missing everywhere would raise false drift alerts");
        return false;
    }

    protected void UnknownFeature(string name, string[] names) =>
        Errors.Report(InsertError.UnknownFeature, (name, names), static s =>
            $"feature '{Shorten(s.name)}' is not in the profile (features: {InsertErrorReporter.Some(s.names)}); its value is ignored");

    protected void NotNumeric(in Feature feature) =>
        Errors.Report(InsertError.NotNumeric, (feature.Name, feature.Text), static s =>
            $"feature '{s.Name}' is numeric in the profile but the value '{Shorten(s.Text)}' is not a number; it is counted as missing");

    protected static string Shorten(string? text) => text is { Length: > 100 } ? text[..100] + "…" : text ?? string.Empty;
}

/// <summary>PSI: bin counts per profile feature; a feature absent from an insert, or text in a numeric feature, counts as missing (bin 0).</summary>
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

    public PsiAggregator(PsiDriftProfile profile, TimeProvider time, InsertErrorReporter errors) : base(profile, time, errors)
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
        if (!SharesAName(features, _index, _names)) return;
        var stamp = ++_stamp;
        foreach (ref readonly var feature in features.AsSpan())
        {
            if (!_index.TryGetValue(feature.Name, out var i))
            {
                UnknownFeature(feature.Name, _names);
                continue;
            }
            var profile = _profiles[i];
            int bin;
            if (profile.Kind == FeatureKind.Numeric)
            {
                var kind = feature.AsNumber(out var value);
                if (kind == FeatureValueKind.Text) NotNumeric(feature);
                bin = kind == FeatureValueKind.Number ? profile.BinOf(value) : PsiFeatureProfile.MissingBin;
            }
            else
            {
                bin = profile.BinOf(feature);
            }
            _counts[i][bin + 1]++;
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

    public SpcAggregator(SpcDriftProfile profile, TimeProvider time, InsertErrorReporter errors) : base(profile, time, errors)
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
        if (!SharesAName(features, _index, _names)) return;
        foreach (ref readonly var feature in features.AsSpan())
        {
            if (!_index.TryGetValue(feature.Name, out var i))
            {
                UnknownFeature(feature.Name, _names);
                continue;
            }
            // Missing values and text that is not a number carry no information for a sample mean: not in the sample.
            var kind = feature.AsNumber(out var value);
            if (kind != FeatureValueKind.Number)
            {
                if (kind == FeatureValueKind.Text) NotNumeric(feature);
                continue;
            }
            _sums[i] += value;
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
    private int _inserts;

    public CustomAggregator(CustomDriftProfile profile, TimeProvider time, InsertErrorReporter errors) : base(profile, time, errors)
    {
        _names = [.. profile.Metrics.Select(m => m.Name)];
        _index = IndexOf(_names);
        _sums = new double[_names.Length];
        _counts = new long[_names.Length];
        _sampleSize = profile.Config.SampleSize;
    }

    public override bool IsFull => _inserts >= _sampleSize;

    public override void Add(Metrics metrics)
    {
        var items = metrics.AsSpan();
        var known = false;
        foreach (var metric in items) known |= _index.ContainsKey(metric.Name);
        if (!known)
        {
            Errors.Report(InsertError.NoKnownMetrics, (metrics, _names), static s => s.metrics.Count == 0
                ? "the insert has no metrics; it is not aggregated"
                : $"none of the insert's metrics ({InsertErrorReporter.Some(s.metrics.Select(m => m.Name))}) is in the profile (metrics: {InsertErrorReporter.Some(s._names)}); the insert is not aggregated");
            return;
        }
        foreach (var metric in items)
        {
            if (!_index.TryGetValue(metric.Name, out var i))
            {
                Errors.Report(InsertError.UnknownMetric, (metric.Name, _names), static s =>
                    $"metric '{Shorten(s.Name)}' is not in the profile (metrics: {InsertErrorReporter.Some(s._names)}); its value is ignored");
            }
            else if (!double.IsFinite(metric.Value))
            {
                Errors.Report(InsertError.NonFiniteMetric, metric.Name, static n => $"metric '{n}' has a non-finite value; it is ignored");
            }
            else if (Math.Abs(metric.Value) > RecordLimits.MaxAbsValue)
            {
                Errors.Report(InsertError.ValueOutOfRange, metric, static m => string.Create(CultureInfo.InvariantCulture,
                    $"metric '{m.Name}' has the value {m.Value:R}, beyond ±{RecordLimits.MaxAbsValue:R}; it is ignored"));
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

    public LlmAggregator(LlmDriftProfile profile, TimeProvider time, Random random, InsertErrorReporter errors) : base(profile, time, errors)
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
