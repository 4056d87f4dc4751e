using System.Collections.Concurrent;
using System.Text.Json;

namespace Scouter.Data;

/// <summary>
/// Compiled per-type accessors behind <see cref="Features.From{T}(T)"/>,
/// <see cref="Metrics.From{T}(T)"/> and <see cref="ColumnTable.FromObjects{T}(IEnumerable{T})"/>.
/// The members of <typeparamref name="T"/> are discovered once (see
/// <see cref="AccessorMember.Discover(Type)"/>); names are resolved and delegates compiled once per
/// naming policy (see <see cref="AccessorSet{T}"/>), so calls involve no reflection and no name
/// conversion. Without a policy, names are the <see cref="FeatureNameAttribute"/> names, else the
/// member names exactly.
/// </summary>
internal static class TypeAccessors<T>
{
    private static readonly AccessorMember[] Discovered = AccessorMember.Discover(typeof(T));

    /// <summary>Member names as declared (or as renamed by <see cref="FeatureNameAttribute"/>).</summary>
    public static readonly AccessorSet<T> Default = new(Discovered, null);

    // Policies are expected to be singletons (JsonNamingPolicy.SnakeCaseLower, ...), so one set per
    // instance; the last one used is remembered to skip the dictionary in the common one-policy case.
    private static readonly ConcurrentDictionary<JsonNamingPolicy, AccessorSet<T>> ByPolicy = new(ReferenceEqualityComparer.Instance);
    private static AccessorSet<T>? s_last;

    /// <summary>The accessors whose names <paramref name="policy"/> converted (null: <see cref="Default"/>).</summary>
    public static AccessorSet<T> For(JsonNamingPolicy? policy)
    {
        if (policy is null) return Default;
        var last = Volatile.Read(ref s_last);
        if (last is not null && ReferenceEquals(last.Policy, policy)) return last;
        var set = ByPolicy.GetOrAdd(policy, static p => new AccessorSet<T>(Discovered, p));
        Volatile.Write(ref s_last, set);
        return set;
    }

    /// <summary>One feature per supported member (see <see cref="AccessorSet{T}.ToFeatures"/>).</summary>
    public static Features ToFeatures(T value) => Default.ToFeatures(value);

    /// <summary>One metric per numeric member (see <see cref="AccessorSet{T}.ToMetrics"/>).</summary>
    public static Metrics ToMetrics(T value) => Default.ToMetrics(value);

    /// <summary>A column per supported member (see <see cref="AccessorSet{T}.ToTable"/>).</summary>
    public static ColumnTable ToTable(IEnumerable<T> rows) => Default.ToTable(rows);
}
