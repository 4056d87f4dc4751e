using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json.Serialization;
using Scouter.Drift;

namespace Scouter;

/// <summary>
/// Baseline bins of one PSI feature. Bin ids: 0 = missing, -1 = unseen category,
/// 1..<see cref="BinCount"/> = value bins (numeric: right-closed bins between <see cref="Edges"/>;
/// categorical: <see cref="Categories"/> in order, <c>__other__</c> last when present).
/// </summary>
public sealed class PsiFeatureProfile
{
    /// <summary>Name of the bin that holds categories folded beyond <c>max_categories</c>.</summary>
    public const string OtherCategory = "__other__";

    /// <summary>Bin id of missing values.</summary>
    public const int MissingBin = 0;

    /// <summary>Bin id of categories not seen in the baseline.</summary>
    public const int UnseenBin = -1;

    private readonly double[] _edges;
    private readonly FrozenDictionary<string, int>? _categoryBins;

    /// <summary>
    /// Restores a saved feature profile (used by deserialization): <c>edges</c> (numeric) and <c>categories</c>
    /// (categorical) are optional in the JSON, every other field is required.
    /// </summary>
    [JsonConstructor]
#pragma warning disable RS0027 // two orders of the same seven parameters: this one with the bin layout optional, the other the JSON constructor
    public PsiFeatureProfile(FeatureKind kind, IReadOnlyList<double> proportions, double missingProportion, long count, long missingCount,
        IReadOnlyList<double>? edges = null, IReadOnlyList<string>? categories = null)
#pragma warning restore RS0027
        : this(kind, edges, categories, proportions, missingProportion, count, missingCount)
    {
    }

    /// <summary>Creates and validates a feature profile.</summary>
    public PsiFeatureProfile(FeatureKind kind, IReadOnlyList<double>? edges, IReadOnlyList<string>? categories, IReadOnlyList<double> proportions,
        double missingProportion, long count, long missingCount)
    {
        ArgumentNullException.ThrowIfNull(proportions);
        Kind = kind;
        double[] props = [.. proportions];
        Proportions = props;
        MissingProportion = missingProportion;
        Count = count;
        MissingCount = missingCount;
        if (count < 1 || missingCount < 0 || missingCount >= count)
            throw new ScouterConfigException("count", count, "a feature needs at least one present value (count > missing_count >= 0)");
        if (!(missingProportion >= 0 && missingProportion <= 1))
            throw new ScouterConfigException("missing_proportion", missingProportion, "must be in [0, 1]");
        foreach (var p in props)
        {
            if (!(p >= 0 && p <= 1)) throw new ScouterConfigException("proportions", p, "every proportion must be in [0, 1]");
        }

        if (kind == FeatureKind.Numeric)
        {
            if (categories is not null) throw new ScouterConfigException("categories", null, "a numeric feature has edges, not categories");
            _edges = [.. edges ?? []];
            for (var i = 0; i < _edges.Length; i++)
            {
                if (!double.IsFinite(_edges[i]) || (i > 0 && _edges[i] <= _edges[i - 1]))
                    throw new ScouterConfigException("edges", _edges[i], "edges must be finite and strictly increasing");
            }
            if (props.Length != _edges.Length + 1)
                throw new ScouterConfigException("proportions", props.Length, string.Create(CultureInfo.InvariantCulture, $"expected {_edges.Length + 1} proportions for {_edges.Length} edges"));
            Edges = _edges;
        }
        else
        {
            if (edges is not null) throw new ScouterConfigException("edges", null, "a categorical feature has categories, not edges");
            string[] cats = [.. Guard.NotNull("categories", categories)];
            _edges = [];
            var bins = new Dictionary<string, int>(cats.Length, StringComparer.Ordinal);
            for (var i = 0; i < cats.Length; i++)
            {
                if (string.IsNullOrWhiteSpace(cats[i])) throw new ScouterConfigException("categories", cats[i], "a category must be non-empty");
                if (!bins.TryAdd(cats[i], i + 1)) throw new ScouterConfigException("categories", cats[i], "duplicate category");
            }
            if (cats.Length == 0) throw new ScouterConfigException("categories", null, "a categorical feature needs at least one category");
            if (props.Length != cats.Length)
                throw new ScouterConfigException("proportions", props.Length, string.Create(CultureInfo.InvariantCulture, $"expected {cats.Length} proportions for {cats.Length} categories"));
            Categories = cats;
            _categoryBins = bins.ToFrozenDictionary(StringComparer.Ordinal);
            HasOtherCategory = cats[^1] == OtherCategory;
        }
    }

    /// <summary>Numeric or categorical.</summary>
    public FeatureKind Kind { get; }

    /// <summary>Interior bin edges of a numeric feature (strictly increasing); null for categorical.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<double>? Edges { get; }

    /// <summary>Categories of a categorical feature in bin order; null for numeric.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Categories { get; }

    /// <summary>Baseline proportion of each value bin (ids 1..B), as count / all rows.</summary>
    public IReadOnlyList<double> Proportions { get; }

    /// <summary>Baseline proportion of missing values (bin 0).</summary>
    public double MissingProportion { get; }

    /// <summary>Rows in the baseline, missing included.</summary>
    public long Count { get; }

    /// <summary>Missing values in the baseline.</summary>
    public long MissingCount { get; }

    /// <summary>B: the number of value bins (missing and unseen not counted).</summary>
    [JsonIgnore]
    public int BinCount => Proportions.Count;

    /// <summary>Whether rare categories were folded into <c>__other__</c> (which then also takes unseen ones).</summary>
    [JsonIgnore]
    public bool HasOtherCategory { get; }

    internal ReadOnlySpan<double> EdgeSpan => _edges;

    /// <summary>The bin id of a numeric value (0 when missing).</summary>
    public int BinOf(double value)
    {
        if (Kind == FeatureKind.Numeric) return Binning.BinOf(_edges, value);
        return double.IsFinite(value) ? BinOf(value.ToString("R", CultureInfo.InvariantCulture)) : MissingBin;
    }

    /// <summary>
    /// The bin id of a text value. Categorical: its category's bin, 0 when missing, -1 or
    /// <c>__other__</c> when unseen. Numeric: the text read by <see cref="Feature.NumberFromText"/> —
    /// a number string is binned as that number; any other text is missing (0), never unseen, since a
    /// numeric feature has no unseen bin.
    /// </summary>
    public int BinOf(string? category)
    {
        if (string.IsNullOrWhiteSpace(category)) return MissingBin;
        if (Kind == FeatureKind.Numeric)
        {
            return Feature.NumberFromText(category, out var v) == FeatureValueKind.Number ? Binning.BinOf(_edges, v) : MissingBin;
        }
        if (_categoryBins!.TryGetValue(category, out var bin)) return bin;
        return HasOtherCategory ? Proportions.Count : UnseenBin;
    }

    /// <summary>
    /// The bin id of an inference-time feature value. For a numeric feature the value is read by
    /// <see cref="Feature.AsNumber"/>: text that is not a number is missing (0).
    /// </summary>
    public int BinOf(in Feature feature)
    {
        if (Kind == FeatureKind.Numeric) return feature.AsNumber(out var v) == FeatureValueKind.Number ? Binning.BinOf(_edges, v) : MissingBin;
        return feature.Kind switch
        {
            FeatureValueKind.Number => BinOf(feature.Number),
            FeatureValueKind.Text => BinOf(feature.Text),
            _ => MissingBin,
        };
    }

    /// <summary>
    /// Baseline proportions laid out as <c>[missing, unseen (categorical only), bin 1..B]</c>, the
    /// order the PSI sum runs over.
    /// </summary>
    public double[] BaselineWithPseudoBins()
    {
        var offset = Kind == FeatureKind.Categorical ? 2 : 1;
        var result = new double[Proportions.Count + offset];
        result[0] = MissingProportion;
        for (var i = 0; i < Proportions.Count; i++) result[i + offset] = Proportions[i];
        return result;
    }
}
