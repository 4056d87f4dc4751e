namespace Scouter.Data;

/// <summary>
/// Which of a file's columns to read, in which order, and which of them are forced categorical:
/// <see cref="TableReadOptions"/> resolved against the file's column names, shared by the readers so
/// every format reports a bad request the same way.
/// </summary>
/// <param name="Indices">Positions in the file's column list, in table order.</param>
/// <param name="ForceCategorical">Per selected column: listed in <see cref="TableReadOptions.CategoricalColumns"/>.</param>
internal sealed record ColumnSelection(int[] Indices, bool[] ForceCategorical)
{
    /// <param name="source">The file, for messages.</param>
    /// <param name="names">All column names of the file, in file order.</param>
    /// <param name="unsupported">Why column <c>i</c> cannot be read, or null when it can. Unusable columns are
    /// skipped by default and an error when requested by name.</param>
    /// <param name="options">The caller's options, or null.</param>
    public static ColumnSelection Resolve(string source, IReadOnlyList<string> names, Func<int, string?> unsupported, TableReadOptions? options)
    {
        var positions = new Dictionary<string, int>(names.Count, StringComparer.Ordinal);
        for (var i = 0; i < names.Count; i++)
        {
            if (!positions.TryAdd(names[i], i)) throw new ScouterDataException("duplicate column name in the file", source, names[i]);
        }

        var chosen = new List<int>();
        if (options?.Columns is { } requested)
        {
            if (requested.Count == 0) throw new ScouterDataException("no columns requested (TableReadOptions.Columns is empty)", source);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var name in requested)
            {
                ArgumentNullException.ThrowIfNull(name, nameof(options));
                if (!seen.Add(name)) throw new ScouterDataException("column requested more than once", source, name);
                if (!positions.TryGetValue(name, out var position))
                    throw new ScouterDataException($"column not found; the file has {NameList.Describe(names)}", source, name);
                if (unsupported(position) is { } reason) throw new ScouterDataException($"column cannot be read: {reason}", source, name);
                chosen.Add(position);
            }
        }
        else
        {
            for (var i = 0; i < names.Count; i++)
            {
                if (unsupported(i) is null) chosen.Add(i);
            }
            if (chosen.Count == 0) throw new ScouterDataException("the file has no numeric, text or bool columns", source);
        }

        var force = new bool[chosen.Count];
        if (options?.CategoricalColumns is { } categorical)
        {
            foreach (var name in categorical)
            {
                ArgumentNullException.ThrowIfNull(name, nameof(options));
                if (!positions.TryGetValue(name, out var position))
                    throw new ScouterDataException($"column listed in CategoricalColumns not found; the file has {NameList.Describe(names)}", source, name);
                var at = chosen.IndexOf(position);
                if (at >= 0) force[at] = true;
            }
        }
        return new ColumnSelection([.. chosen], force);
    }
}
