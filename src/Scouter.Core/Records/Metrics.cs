using System.Collections;
using System.Text.Json;

namespace Scouter;

/// <summary>One named custom-metric observation.</summary>
public readonly record struct Metric(string Name, double Value);

/// <summary>The custom metrics of one inference, inserted into a custom queue.</summary>
public sealed class Metrics : IReadOnlyList<Metric>
{
    private readonly Metric[] _items;

    /// <summary>Metrics from a list; names must be distinct.</summary>
    public Metrics(IEnumerable<Metric> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        _items = [.. metrics];
        var seen = new HashSet<string>(_items.Length, StringComparer.Ordinal);
        foreach (var m in _items)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(m.Name, nameof(metrics));
            if (!seen.Add(m.Name)) throw new ArgumentException($"Metric '{m.Name}' appears more than once.", nameof(metrics));
        }
    }

    /// <summary>Wraps <paramref name="items"/> as is when <paramref name="trusted"/> (names already checked distinct and non-empty).</summary>
    internal Metrics(Metric[] items, bool trusted) => _items = trusted ? items : [.. new Metrics(items.AsEnumerable())];

    /// <summary>Metrics from name → value.</summary>
    public Metrics(IReadOnlyDictionary<string, double> metrics)
        : this((metrics ?? throw new ArgumentNullException(nameof(metrics))).Select(kv => new Metric(kv.Key, kv.Value))) { }

    /// <summary>The metrics of <paramref name="value"/>'s public numeric properties and fields.</summary>
    public static Metrics From<T>(T value) => Data.TypeAccessors<T>.ToMetrics(value);

    /// <summary>
    /// As <see cref="From{T}(T)"/>, with member names converted by <paramref name="namingPolicy"/>;
    /// <see cref="FeatureNameAttribute"/> names are kept as given. Converted once per type and policy instance.
    /// </summary>
    /// <exception cref="InvalidOperationException">Two numeric members end up with the same name.</exception>
    public static Metrics From<T>(T value, JsonNamingPolicy? namingPolicy) => Data.TypeAccessors<T>.For(namingPolicy).ToMetrics(value);

    /// <inheritdoc />
    public int Count => _items.Length;

    /// <inheritdoc />
    public Metric this[int index] => _items[index];

    /// <summary>The metrics as a span.</summary>
    public ReadOnlySpan<Metric> AsSpan() => _items;

    /// <inheritdoc />
    public IEnumerator<Metric> GetEnumerator() => ((IEnumerable<Metric>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();
}
