namespace Scouter.Data;

/// <summary>Compiled per-type accessors for features and metrics (placeholder; compiled version follows).</summary>
internal static class TypeAccessors<T>
{
    public static Features ToFeatures(T value) => throw new NotSupportedException(typeof(T).Name);

    public static Metrics ToMetrics(T value) => throw new NotSupportedException(typeof(T).Name);
}
