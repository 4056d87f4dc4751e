namespace Scouter.Data;

/// <summary>
/// Compiled per-type accessors behind <see cref="Features.From{T}(T)"/>,
/// <see cref="Metrics.From{T}(T)"/> and <see cref="ColumnTable.FromObjects{T}(IEnumerable{T})"/>.
/// The members of <typeparamref name="T"/> are discovered once (see
/// <see cref="AccessorMember.Discover(Type)"/>) and each delegate is compiled on first use; calls
/// involve no reflection. Feature names are the member names exactly.
/// </summary>
internal static class TypeAccessors<T>
{
    /// <summary>The supported members, in feature/column order.</summary>
    public static readonly AccessorMember[] Members = AccessorMember.Discover(typeof(T));

    private static readonly AccessorMember[] NumericMembers = [.. Members.Where(m => m.Kind == FeatureKind.Numeric)];

    /// <summary>One feature per supported member. Allocates only the <see cref="Features"/> and its array.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public static Features ToFeatures(T value)
    {
        if (value is null) throw new ArgumentNullException(nameof(value));
        var items = new Feature[Members.Length];
        FeatureFill.Fill(value, items);
        return new Features(items, trusted: true);
    }

    /// <summary>One metric per numeric member (null → NaN).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public static Metrics ToMetrics(T value)
    {
        if (value is null) throw new ArgumentNullException(nameof(value));
        var items = new Metric[NumericMembers.Length];
        MetricFill.Fill(value, items);
        return new Metrics(items, trusted: true);
    }

    /// <summary>A column per supported member, a row per element of <paramref name="rows"/>.</summary>
    public static ColumnTable ToTable(IEnumerable<T> rows)
    {
        var source = $"{typeof(T).Name} objects";
        if (Members.Length == 0)
            throw new ScouterDataException($"type {typeof(T).FullName} has no public number, string, bool or enum properties or fields", source);

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

        var row = 0;
        foreach (var value in rows)
        {
            if (row == count) throw new ScouterDataException("the sequence changed while it was read", source);
            if (value is null) throw new ScouterDataException("the row is null", source, row: row + 1);
            RowFill.Fill(value, row, numbers, categories);
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

    // Separate holders so each delegate is compiled only when its operation is first used.
    private static class FeatureFill
    {
        public static readonly Action<T, Feature[]> Fill = AccessorCompiler.FeatureFiller<T>(Members);
    }

    private static class MetricFill
    {
        public static readonly Action<T, Metric[]> Fill = AccessorCompiler.MetricFiller<T>(NumericMembers);
    }

    private static class RowFill
    {
        public static readonly Action<T, int, double[][], string?[][]> Fill = AccessorCompiler.RowFiller<T>(Members);
    }
}
