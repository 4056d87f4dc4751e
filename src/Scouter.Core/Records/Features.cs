using System.Collections;
using System.Text.Json;

namespace Scouter;

/// <summary>
/// The features of one inference, inserted into a PSI or SPC queue. Build it from a list of
/// <see cref="Feature"/>, a dictionary, or a typed object with <see cref="From{T}(T)"/> /
/// <c>ToFeatures()</c>.
/// </summary>
public sealed class Features : IReadOnlyList<Feature>
{
    private readonly Feature[] _items;

    /// <summary>Features from a list; names must be distinct.</summary>
    public Features(IEnumerable<Feature> features)
    {
        ArgumentNullException.ThrowIfNull(features);
        _items = [.. features];
        EnsureDistinct(_items);
    }

    /// <summary>Features from name → value (see <see cref="Feature.FromObject"/> for accepted value types).</summary>
    public Features(IReadOnlyDictionary<string, object?> features)
    {
        ArgumentNullException.ThrowIfNull(features);
        _items = new Feature[features.Count];
        var i = 0;
        foreach (var (name, value) in features) _items[i++] = Feature.FromObject(name, value);
    }

    internal Features(Feature[] items, bool trusted)
    {
        _items = items;
        if (!trusted) EnsureDistinct(items);
    }

    /// <summary>
    /// The features of <paramref name="value"/>'s public readable properties and fields (accessors are
    /// compiled once per type), named by <see cref="FeatureNameAttribute"/> or else by member name.
    /// </summary>
    public static Features From<T>(T value) => Data.TypeAccessors<T>.ToFeatures(value);

    /// <summary>
    /// As <see cref="From{T}(T)"/>, with member names converted by <paramref name="namingPolicy"/>
    /// (e.g. <see cref="JsonNamingPolicy.SnakeCaseLower"/>: <c>CreditScore</c> → <c>credit_score</c>);
    /// <see cref="FeatureNameAttribute"/> names are kept as given. Names are converted and accessors
    /// compiled once per type and policy instance, so pass a long-lived policy; null means no conversion.
    /// </summary>
    /// <exception cref="InvalidOperationException">Two members end up with the same name.</exception>
    public static Features From<T>(T value, JsonNamingPolicy? namingPolicy) => Data.TypeAccessors<T>.For(namingPolicy).ToFeatures(value);

    /// <inheritdoc />
    public int Count => _items.Length;

    /// <inheritdoc />
    public Feature this[int index] => _items[index];

    /// <summary>The features as a span, for allocation-free iteration.</summary>
    public ReadOnlySpan<Feature> AsSpan() => _items;

    /// <inheritdoc />
    public IEnumerator<Feature> GetEnumerator() => ((IEnumerable<Feature>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    private static void EnsureDistinct(Feature[] items)
    {
        if (items.Length < 2) return;
        var seen = new HashSet<string>(items.Length, StringComparer.Ordinal);
        foreach (var f in items)
        {
            if (!seen.Add(f.Name)) throw new ArgumentException($"Feature '{f.Name}' appears more than once.", nameof(items));
        }
    }
}

/// <summary>
/// Marks a type whose public properties are the model's features, so that
/// <see cref="FeatureSourceExtensions.ToFeatures{T}(T)"/> applies to it (the .NET form of
/// Scouter's <c>FeatureMixin</c>). A member's feature name is its name, its
/// <see cref="FeatureNameAttribute"/> name, or its name converted by a naming policy.
/// </summary>
#pragma warning disable CA1040 // A marker keeps ToFeatures() off types that did not opt in.
public interface IFeatureSource;

/// <summary>Marks a type whose public numeric properties are custom metrics (see <see cref="FeatureSourceExtensions.ToMetrics{T}(T)"/>).</summary>
public interface IMetricSource;
#pragma warning restore CA1040

/// <summary><c>ToFeatures()</c> / <c>ToMetrics()</c> for opted-in types.</summary>
public static class FeatureSourceExtensions
{
    /// <summary>The features of <paramref name="value"/> (accessors compiled once per type; no per-call reflection).</summary>
    public static Features ToFeatures<T>(this T value) where T : IFeatureSource => Features.From(value);

    /// <summary>The features of <paramref name="value"/>, names converted by <paramref name="namingPolicy"/> (see <see cref="Features.From{T}(T, JsonNamingPolicy?)"/>).</summary>
    public static Features ToFeatures<T>(this T value, JsonNamingPolicy? namingPolicy) where T : IFeatureSource => Features.From(value, namingPolicy);

    /// <summary>The metrics of <paramref name="value"/>'s numeric properties.</summary>
    public static Metrics ToMetrics<T>(this T value) where T : IMetricSource => Metrics.From(value);

    /// <summary>The metrics of <paramref name="value"/>'s numeric properties, names converted by <paramref name="namingPolicy"/> (see <see cref="Metrics.From{T}(T, JsonNamingPolicy?)"/>).</summary>
    public static Metrics ToMetrics<T>(this T value, JsonNamingPolicy? namingPolicy) where T : IMetricSource => Metrics.From(value, namingPolicy);
}
