using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Scouter.Data;

/// <summary>
/// Input data for profile creation and drift computation: named columns of equal length. Build one
/// from column arrays (<see cref="FromColumns(IReadOnlyDictionary{string, double[]})"/>,
/// <see cref="Builder"/>), from typed rows (<see cref="FromObjects{T}(IEnumerable{T})"/>) or from a
/// file (<c>TableFile</c>, <c>CsvTable</c>, <c>ParquetTable</c> in Scouter.Profiling).
/// </summary>
/// <remarks>
/// The table keeps a reference to the arrays it is built from rather than copying them (inputs can
/// be large); do not modify an array while a table built from it is in use. A table has at least
/// one column and may have zero rows.
/// </remarks>
public sealed partial class ColumnTable : IReadOnlyList<Column>
{
    private readonly Column[] _columns;
    private readonly Dictionary<string, Column> _byName;

    internal ColumnTable(Column[] columns, string? source = null)
    {
        Source = source;
        if (columns.Length == 0) throw new ScouterDataException("the table has no columns", source);
        var rows = columns[0].Length;
        _byName = new Dictionary<string, Column>(columns.Length, StringComparer.Ordinal);
        foreach (var column in columns)
        {
            if (string.IsNullOrWhiteSpace(column.Name))
                throw new ScouterDataException("column name must not be empty", source, column.Name);
            if (!_byName.TryAdd(column.Name, column))
                throw new ScouterDataException("duplicate column name", source, column.Name);
            if (column.Length != rows)
            {
                throw new ScouterDataException(
                    string.Create(CultureInfo.InvariantCulture, $"has {column.Length} rows but column '{columns[0].Name}' has {rows}; all columns must have the same length"),
                    source, column.Name);
            }
        }
        _columns = columns;
        RowCount = rows;
    }

    /// <summary>The number of rows (the length of every column).</summary>
    public int RowCount { get; }

    /// <summary>The number of columns.</summary>
    public int Count => _columns.Length;

    /// <summary>Where the data came from (a file path or a description), or null when built from arrays.</summary>
    public string? Source { get; }

    /// <summary>The column at <paramref name="index"/>, in table order.</summary>
    public Column this[int index] => _columns[index];

    /// <summary>The column named <paramref name="name"/> (case-sensitive).</summary>
    /// <exception cref="ScouterDataException">No column has that name; the message lists the columns.</exception>
    public Column this[string name] => TryGetColumn(name, out var column)
        ? column
        : throw new ScouterDataException($"no such column; the columns are {NameList.Describe(_columns.Select(c => c.Name))}", Source, name);

    /// <summary>Looks up a column by name (case-sensitive).</summary>
    public bool TryGetColumn(string name, [MaybeNullWhen(false)] out Column column)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byName.TryGetValue(name, out column);
    }

    /// <summary>A table of numeric columns, in the dictionary's enumeration order.</summary>
    /// <exception cref="ScouterDataException">No columns, an empty name, a null array, or arrays of different lengths.</exception>
    public static ColumnTable FromColumns(IReadOnlyDictionary<string, double[]> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var builder = new Builder();
        foreach (var (name, values) in columns) builder.AddNumeric(name, values);
        return builder.Build();
    }

    /// <summary>A table of categorical columns, in the dictionary's enumeration order.</summary>
    /// <exception cref="ScouterDataException">No columns, an empty name, a null array, or arrays of different lengths.</exception>
    public static ColumnTable FromColumns(IReadOnlyDictionary<string, string?[]> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var builder = new Builder();
        foreach (var (name, values) in columns) builder.AddCategorical(name, values);
        return builder.Build();
    }

    /// <summary>
    /// A table with one column per public readable instance property or field of
    /// <typeparamref name="T"/>: numbers (int, long, short, byte, float, double, decimal, their
    /// unsigned forms and nullables) become numeric columns (null → NaN); string, bool and enum
    /// members (and nullables) become categorical columns (<c>"true"</c>/<c>"false"</c>, the enum
    /// member name). Members of other types are ignored. A column is named by the member's
    /// <see cref="FeatureNameAttribute"/>, else by the member name, exactly as
    /// <see cref="Features.From{T}(T)"/> names features. Accessors are compiled once per type.
    /// </summary>
    /// <exception cref="ScouterDataException">A row is null, <typeparamref name="T"/> has no supported members, or two members have the same name.</exception>
    public static ColumnTable FromObjects<T>(IEnumerable<T> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return TypeAccessors<T>.ToTable(rows);
    }

    /// <summary>
    /// As <see cref="FromObjects{T}(IEnumerable{T})"/>, with member names converted by
    /// <paramref name="namingPolicy"/> (<see cref="FeatureNameAttribute"/> names are kept), the same
    /// names <see cref="Features.From{T}(T, System.Text.Json.JsonNamingPolicy?)"/> gives features.
    /// </summary>
    /// <exception cref="ScouterDataException">A row is null, <typeparamref name="T"/> has no supported members, or two members end up with the same name.</exception>
    public static ColumnTable FromObjects<T>(IEnumerable<T> rows, System.Text.Json.JsonNamingPolicy? namingPolicy)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return TypeAccessors<T>.For(namingPolicy).ToTable(rows);
    }

    /// <inheritdoc />
    public IEnumerator<Column> GetEnumerator() => ((IEnumerable<Column>)_columns).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _columns.GetEnumerator();
}
