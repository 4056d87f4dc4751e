namespace Scouter;

/// <summary>Validation shared by the profile constructors.</summary>
internal static class ProfileGuard
{
    public static IReadOnlyDictionary<string, T> Features<T>(string field, IReadOnlyDictionary<string, T>? features) where T : class
    {
        Guard.NotNull(field, features);
        if (features.Count == 0) throw new ScouterConfigException(field, null, "a profile needs at least one feature");
        foreach (var (name, value) in features)
        {
            Guard.Name(field + " key", name);
            if (value is null) throw new ScouterConfigException($"{field}.{name}", null, "is required");
        }
        return features;
    }

    public static IReadOnlyList<T> Metrics<T>(string field, IReadOnlyList<T>? metrics, Func<T, string> name, bool allowEmpty = false) where T : class
    {
        Guard.NotNull(field, metrics);
        if (metrics.Count == 0 && !allowEmpty) throw new ScouterConfigException(field, null, "a profile needs at least one metric");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < metrics.Count; i++)
        {
            if (metrics[i] is null) throw new ScouterConfigException($"{field}[{i}]", null, "is required");
            if (!seen.Add(name(metrics[i]))) throw new ScouterConfigException(field, name(metrics[i]), "duplicate metric name");
        }
        return metrics;
    }
}
