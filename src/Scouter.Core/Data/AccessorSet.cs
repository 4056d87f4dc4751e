using System.Text.Json;

namespace Scouter.Data;

/// <summary>
/// The members of <typeparamref name="T"/> under one naming: names resolved once (a
/// <see cref="FeatureNameAttribute"/> name as given, otherwise the member name converted by
/// <see cref="Policy"/> when there is one) and each delegate compiled on first use. A name that is
/// empty or shared by two members makes the operations that would emit it throw, naming the members.
/// </summary>
internal sealed class AccessorSet<T>
{
    private readonly string? _featureError;
    private readonly string? _metricError;
    private Action<T, Feature[]>? _featureFill;
    private Action<T, Metric[]>? _metricFill;
    private Action<T, int, double[][], string?[][]>? _rowFill;

    public AccessorSet(AccessorMember[] discovered, JsonNamingPolicy? policy)
    {
        Policy = policy;
        Members = policy is null
            ? discovered
            : [.. discovered.Select(m => m.Renamed ? m : m with { Name = policy.ConvertName(m.Name) })];
        NumericMembers = [.. Members.Where(m => m.Kind == FeatureKind.Numeric)];
        _featureError = NameError(Members, policy);
        _metricError = NameError(NumericMembers, policy);
    }

    /// <summary>The policy that converted the names; null for names as declared.</summary>
    public JsonNamingPolicy? Policy { get; }

    /// <summary>The supported members with their resolved names, in feature/column order.</summary>
    public AccessorMember[] Members { get; }

    /// <summary>The numeric members, in order (the metrics).</summary>
    public AccessorMember[] NumericMembers { get; }

    /// <summary>One feature per supported member. Allocates only the <see cref="Features"/> and its array.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Two members have the same name, or a name is empty.</exception>
    public Features ToFeatures(T value)
    {
        if (value is null) throw new ArgumentNullException(nameof(value));
        var fill = _featureFill ?? InitFeatureFill();
        var items = new Feature[Members.Length];
        fill(value, items);
        return new Features(items, trusted: true);
    }

    /// <summary>One metric per numeric member (null → NaN).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Two numeric members have the same name, or a name is empty.</exception>
    public Metrics ToMetrics(T value)
    {
        if (value is null) throw new ArgumentNullException(nameof(value));
        var fill = _metricFill ?? InitMetricFill();
        var items = new Metric[NumericMembers.Length];
        fill(value, items);
        return new Metrics(items, trusted: true);
    }

    /// <summary>A column per supported member, a row per element of <paramref name="rows"/>.</summary>
    /// <exception cref="ScouterDataException">No supported members, duplicate or empty names, a null row, or the sequence changed while read.</exception>
    public ColumnTable ToTable(IEnumerable<T> rows)
    {
        var source = $"{typeof(T).Name} objects";
        if (Members.Length == 0)
            throw new ScouterDataException($"type {typeof(T).FullName} has no public number, string, bool or enum properties or fields", source);
        if (_featureError is not null) throw new ScouterDataException(_featureError, source);

        if (!rows.TryGetNonEnumeratedCount(out var count))
        {
            var buffered = rows.ToList();
            rows = buffered;
            count = buffered.Count;
        }

        var numbers = new double[NumericMembers.Length][];
        var categories = new string?[Members.Length - NumericMembers.Length][];
        for (var i = 0; i < numbers.Length; i++) numbers[i] = new double[count];
        for (var i = 0; i < categories.Length; i++) categories[i] = new string?[count];

        var fill = _rowFill ??= AccessorCompiler.RowFiller<T>(Members);
        var row = 0;
        foreach (var value in rows)
        {
            if (row == count) throw new ScouterDataException("the sequence changed while it was read", source);
            if (value is null) throw new ScouterDataException("the row is null", source, row: row + 1);
            fill(value, row, numbers, categories);
            row++;
        }
        if (row != count) throw new ScouterDataException("the sequence changed while it was read", source);

        var columns = new Column[Members.Length];
        int numeric = 0, categorical = 0;
        for (var i = 0; i < Members.Length; i++)
        {
            var m = Members[i];
            columns[i] = m.Kind == FeatureKind.Numeric
                ? new NumericColumn(m.Name, numbers[numeric++])
                : new CategoricalColumn(m.Name, categories[categorical++]);
        }
        return new ColumnTable(columns, source);
    }

    // Compiled on first use of each operation; a race compiles twice and keeps either (they are equal).
    private Action<T, Feature[]> InitFeatureFill()
    {
        if (_featureError is not null) throw new InvalidOperationException(_featureError);
        return _featureFill = AccessorCompiler.FeatureFiller<T>(Members);
    }

    private Action<T, Metric[]> InitMetricFill()
    {
        if (_metricError is not null) throw new InvalidOperationException(_metricError);
        return _metricFill = AccessorCompiler.MetricFiller<T>(NumericMembers);
    }

    private static string? NameError(AccessorMember[] members, JsonNamingPolicy? policy)
    {
        var byName = new Dictionary<string, string>(members.Length, StringComparer.Ordinal);
        foreach (var m in members)
        {
            if (string.IsNullOrWhiteSpace(m.Name))
                return $"member {typeof(T).Name}.{m.Member.Name} has an empty feature name";
            if (!byName.TryAdd(m.Name, m.Member.Name))
            {
                var how = policy is null ? "" : $" under naming policy {policy.GetType().Name}";
                return $"members {typeof(T).Name}.{byName[m.Name]} and {typeof(T).Name}.{m.Member.Name} both have the feature name '{m.Name}'{how}";
            }
        }
        return null;
    }
}
