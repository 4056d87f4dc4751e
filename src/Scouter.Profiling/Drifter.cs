using System.Buffers;
using Scouter.Data;
using Scouter.Profiling;

namespace Scouter;

// Drifter's overloads differ by input (table, objects, profile kind) and share optional progress,
// settings and cancellation parameters; RS0026 is about adding optional parameters in a later release,
// which the PublicAPI files would show anyway.
#pragma warning disable RS0026

/// <summary>Progress of profile creation or local drift computation: features finished so far.</summary>
/// <param name="Completed">Features done.</param>
/// <param name="Total">Features in the job.</param>
/// <param name="Feature">The feature just finished.</param>
public readonly record struct FeatureProgress(int Completed, int Total, string Feature);

/// <summary>
/// Builds drift profiles from data and computes drift locally. Work is parallel across features
/// (up to one feature per core); each worker reuses one pooled scratch buffer, so profile creation
/// allocates little beyond the profile itself.
/// </summary>
public static class Drifter
{
    /// <summary>Builds a PSI profile from <paramref name="table"/> (spec/drift-math.md 1.1-1.2).</summary>
    /// <exception cref="ScouterDataException">A monitored column is missing or has no present values.</exception>
    public static PsiDriftProfile CreatePsiProfile(ColumnTable table, PsiDriftConfig config, IProgress<FeatureProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(config);
        var columns = SelectColumns(table, config.FeaturesToMonitor);
        foreach (var name in config.CategoricalFeatures)
        {
            if (!columns.Any(c => c.Name == name) && !table.TryGetColumn(name, out _))
                throw new ScouterDataException("categorical feature not found in the input", column: name);
        }
        var categorical = config.CategoricalFeatures.ToHashSet(StringComparer.Ordinal);
        var features = RunPerFeature(columns,
            column => PsiProfiler.Profile(column, categorical.Contains(column.Name), config.Binning, config.MaxCategories), progress, cancellationToken);
        return new PsiDriftProfile(config, features);
    }

    /// <summary>Builds a PSI profile from typed rows (public numeric, string, bool and enum members).</summary>
    public static PsiDriftProfile CreatePsiProfile<T>(IEnumerable<T> rows, PsiDriftConfig config, IProgress<FeatureProgress>? progress = null, CancellationToken cancellationToken = default) =>
        CreatePsiProfile(ColumnTable.FromObjects(rows), config, progress, cancellationToken);

    /// <summary>Builds an SPC profile from the numeric columns of <paramref name="table"/> (spec/drift-math.md 2.1).</summary>
    /// <exception cref="ScouterDataException">A monitored column is missing, categorical, or has fewer present values than one sample.</exception>
    public static SpcDriftProfile CreateSpcProfile(ColumnTable table, SpcDriftConfig config, IProgress<FeatureProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(config);
        var columns = config.FeaturesToMonitor.Count == 0
            ? [.. table.Where(c => c.Kind == FeatureKind.Numeric)]
            : SelectColumns(table, config.FeaturesToMonitor);
        if (columns.Count == 0) throw new ScouterDataException("SPC needs at least one numeric column and the input has none");
        var features = RunPerFeature(columns, column => SpcProfiler.Profile(column, config), progress, cancellationToken);
        return new SpcDriftProfile(config, features);
    }

    /// <summary>Builds an SPC profile from typed rows.</summary>
    public static SpcDriftProfile CreateSpcProfile<T>(IEnumerable<T> rows, SpcDriftConfig config, IProgress<FeatureProgress>? progress = null, CancellationToken cancellationToken = default) =>
        CreateSpcProfile(ColumnTable.FromObjects(rows), config, progress, cancellationToken);

    /// <summary>A custom-metric profile (no data needed).</summary>
    public static CustomDriftProfile CreateCustomProfile(CustomMetricDriftConfig config, IReadOnlyList<CustomMetric> metrics) => new(config, metrics);

    /// <summary>An LLM profile of judge metrics and optional assertion metrics (no data needed).</summary>
    public static LlmDriftProfile CreateLlmProfile(LlmDriftConfig config, IReadOnlyList<LlmMetric> metrics, IReadOnlyList<AssertionMetric>? assertions = null) =>
        new(config, metrics, assertions);

    /// <summary>PSI of every profiled feature of <paramref name="table"/> against the profile, with the threshold decision (spec/drift-math.md 1.3-1.4).</summary>
    public static PsiDriftReport ComputeDrift(PsiDriftProfile profile, ColumnTable table, IProgress<FeatureProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(table);
        var columns = SelectColumns(table, [.. profile.Features.Keys]);
        var threshold = profile.Config.AlertConfig.Threshold;
        var results = RunPerFeature(columns,
            column => PsiEvaluator.Evaluate(profile.Features[column.Name], PsiProfiler.CountObserved(profile.Features[column.Name], column), threshold), progress, cancellationToken);
        return new PsiDriftReport(results);
    }

    /// <summary>
    /// SPC sample means, zone codes and rule alerts of every profiled feature of <paramref name="table"/>
    /// (spec/drift-math.md 2.2-2.3), and each feature's alert decision at the default 1 % false-alarm rate (docs/spc-alerts.md).
    /// </summary>
    public static SpcDriftReport ComputeDrift(SpcDriftProfile profile, ColumnTable table, IProgress<FeatureProgress>? progress = null, CancellationToken cancellationToken = default) =>
        ComputeDrift(profile, table, Drift.SpcAlertCalibration.DefaultFalseAlarmRate, progress, cancellationToken);

    /// <summary>As <see cref="ComputeDrift(SpcDriftProfile, ColumnTable, IProgress{FeatureProgress}?, CancellationToken)"/> with the alert decision at <paramref name="falseAlarmRate"/>.</summary>
    public static SpcDriftReport ComputeDrift(SpcDriftProfile profile, ColumnTable table, double falseAlarmRate, IProgress<FeatureProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(table);
        var columns = SelectColumns(table, [.. profile.Features.Keys]);
        var results = RunPerFeature(columns, column => SpcEvaluator.Evaluate(profile, column, falseAlarmRate), progress, cancellationToken);
        return new SpcDriftReport(results);
    }

    private static List<Column> SelectColumns(ColumnTable table, IReadOnlyList<string> names)
    {
        if (names.Count == 0) return [.. table];
        var selected = new List<Column>(names.Count);
        foreach (var name in names)
        {
            if (!table.TryGetColumn(name, out var column))
                throw new ScouterDataException($"column not found in the input (it has: {string.Join(", ", table.Select(c => c.Name))})", column: name);
            selected.Add(column);
        }
        return selected;
    }

    /// <summary>Runs <paramref name="work"/> per column in parallel, keeping the input's column order in the result.</summary>
    private static Dictionary<string, T> RunPerFeature<T>(List<Column> columns, Func<Column, T> work, IProgress<FeatureProgress>? progress, CancellationToken cancellationToken)
    {
        if (columns.Count == 0) throw new ScouterDataException("the input has no columns to profile");
        var results = new T[columns.Count];
        var completed = 0;
        var options = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount };
        try
        {
            Parallel.For(0, columns.Count, options, i =>
            {
                results[i] = work(columns[i]);
                var done = Interlocked.Increment(ref completed);
                progress?.Report(new FeatureProgress(done, columns.Count, columns[i].Name));
            });
        }
        catch (AggregateException ex) when (ex.InnerExceptions.Count >= 1 && ex.InnerExceptions[0] is ScouterDataException or ScouterConfigException)
        {
            // Report the first feature's problem as is, not wrapped: it names the column already.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerExceptions[0]).Throw();
            throw;
        }
        var map = new Dictionary<string, T>(columns.Count, StringComparer.Ordinal);
        for (var i = 0; i < columns.Count; i++) map.Add(columns[i].Name, results[i]);
        return map;
    }

    /// <summary>Rents a scratch buffer and returns it to the pool when disposed.</summary>
    internal readonly struct Scratch : IDisposable
    {
        private readonly double[] _array;

        public Scratch(int length) => _array = ArrayPool<double>.Shared.Rent(Math.Max(length, 1));

        public Span<double> Span => _array;

        public void Dispose() => ArrayPool<double>.Shared.Return(_array);
    }
}
