namespace Scouter;

/// <summary>
/// Input data cannot be used: names the source (file), column, row (1-based data row, when it
/// applies) and the offending value, so the user can find and fix it.
/// </summary>
public sealed class ScouterDataException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ScouterDataException(string reason, string? source = null, string? column = null, long? row = null, string? value = null, Exception? inner = null)
        : base(Compose(reason, source, column, row, value), inner)
    {
        Reason = reason;
        SourceName = source;
        Column = column;
        Row = row;
        Value = value;
    }

    /// <summary>What was wrong, without the location.</summary>
    public string Reason { get; }

    /// <summary>The file or data source, if known.</summary>
    public string? SourceName { get; }

    /// <summary>The column or feature, if it applies.</summary>
    public string? Column { get; }

    /// <summary>The 1-based data row (header excluded), if it applies.</summary>
    public long? Row { get; }

    /// <summary>The offending cell text, if it applies.</summary>
    public string? Value { get; }

    /// <summary>A copy of this exception naming <paramref name="source"/>.</summary>
    public ScouterDataException WithSource(string source) =>
        SourceName is null ? new ScouterDataException(Reason, source, Column, Row, Value, this) : this;

    private static string Compose(string reason, string? source, string? column, long? row, string? value)
    {
        var parts = new List<string>(4);
        if (source is not null) parts.Add(source);
        if (column is not null) parts.Add($"column '{column}'");
        if (row is not null) parts.Add(FormattableString.Invariant($"row {row}"));
        if (value is not null) parts.Add($"value '{value}'");
        return parts.Count == 0 ? reason : $"{string.Join(", ", parts)}: {reason}";
    }
}
