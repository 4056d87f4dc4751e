using System.Globalization;

namespace Scouter.Data;

/// <summary>Reads a UTF-8, comma-separated file with a header row into a <see cref="ColumnTable"/>.</summary>
/// <remarks>
/// <para>The file is streamed twice and never held in memory as text. The first pass ("scan") counts
/// rows and decides each column's type; the second ("load") fills arrays of exactly that size.
/// Repeated category strings are shared, so memory is about 8 bytes per numeric cell plus one
/// reference per categorical cell and the distinct categories.</para>
/// <para>Typing: a column is numeric when every non-empty cell parses as a double with the invariant
/// culture; otherwise it is categorical with the cell text verbatim (blank cells are missing, null).
/// <c>NaN</c>, <c>inf</c>, <c>Infinity</c> (any case, optional sign) count as numbers that are missing, so
/// they do not make a column categorical; in a numeric column every missing cell is stored as NaN.
/// Columns in <see cref="TableReadOptions.CategoricalColumns"/> are categorical; when all their cells
/// are numbers the category key is the number's invariant shortest round-trip form (<c>"1.0"</c> → <c>"1"</c>),
/// matching <see cref="Feature.CategoryKey"/>.</para>
/// <para>Structure: the header names are trimmed and must be non-empty and distinct; every row must have
/// as many fields as the header (blank lines at the end of the file are ignored; a blank line inside
/// a multi-column file is an error; in a one-column file it is a missing value); quotes follow RFC 4180.</para>
/// </remarks>
public static class CsvTable
{
    /// <summary>Reads <paramref name="path"/>.</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="options">Column selection, forced categorical columns and progress; null for defaults.</param>
    /// <param name="cancellationToken">Checked about every megabyte.</param>
    /// <exception cref="ScouterDataException">
    /// The file is missing, empty, not UTF-8, malformed, has no data rows, or lacks a requested column;
    /// the message names the file and, where they apply, the column, 1-based data row and value.
    /// </exception>
    public static ColumnTable Read(string path, TableReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var totalBytes = FileChecks.RequireNonEmptyFile(path);
        try
        {
            var layout = Scan(path, totalBytes, options, cancellationToken);
            return Load(path, totalBytes, layout, options, cancellationToken);
        }
        catch (Exception e) when (FileChecks.FromIoError(e, path) is { } error)
        {
            throw error;
        }
    }

    private enum Plan
    {
        Number,
        NumberCategory,
        Text,
    }

    private sealed record Layout(string[] Header, string[] Names, int[] Ordinals, Plan[] Plans, int RowCount);

    private static Layout Scan(string path, long totalBytes, TableReadOptions? options, CancellationToken cancellationToken)
    {
        using var cursor = CsvCursor.Open(path, TableReadProgress.ScanPhase, totalBytes, options?.Progress, cancellationToken);
        var header = ReadHeader(cursor, path);
        var selection = ColumnSelection.Resolve(path, header, _ => null, options);
        var ordinals = selection.Indices;
        var numberLike = new bool[ordinals.Length];
        Array.Fill(numberLike, true);
        var undecided = ordinals.Length;

        long rows = 0, blankRun = 0;
        while (cursor.Read())
        {
            if (cursor.IsBlankLine)
            {
                blankRun++;
                continue;
            }
            if (blankRun > 0)
            {
                if (header.Length > 1) throw Ragged(path, cursor.Row - blankRun, 0, header.Length);
                blankRun = 0; // one column: blank lines between values are missing values
            }
            if (cursor.FieldCount != header.Length) throw Ragged(path, cursor.Row, cursor.FieldCount, header.Length);
            rows = cursor.Row;
            if (undecided == 0) continue;
            for (var j = 0; j < ordinals.Length; j++)
            {
                if (numberLike[j] && !NumberText.TryParse(cursor.Field(ordinals[j]), out _))
                {
                    numberLike[j] = false;
                    undecided--;
                }
            }
        }
        cursor.Complete();

        if (rows == 0) throw new ScouterDataException("no data rows (the file has only a header)", path);
        if (rows > Array.MaxLength) throw new ScouterDataException(string.Create(CultureInfo.InvariantCulture, $"too many rows ({rows}); at most {Array.MaxLength} are supported"), path);

        var plans = new Plan[ordinals.Length];
        for (var j = 0; j < plans.Length; j++)
        {
            plans[j] = !numberLike[j] ? Plan.Text : selection.ForceCategorical[j] ? Plan.NumberCategory : Plan.Number;
        }
        return new Layout(header, [.. ordinals.Select(o => header[o])], ordinals, plans, (int)rows);
    }

    private static ColumnTable Load(string path, long totalBytes, Layout layout, TableReadOptions? options, CancellationToken cancellationToken)
    {
        using var cursor = CsvCursor.Open(path, TableReadProgress.LoadPhase, totalBytes, options?.Progress, cancellationToken);
        if (!ReadHeader(cursor, path).AsSpan().SequenceEqual(layout.Header)) throw Changed(path, null, null, null);

        var rows = layout.RowCount;
        var numbers = Select(layout, Plan.Number);
        var numberCategories = Select(layout, Plan.NumberCategory);
        var texts = Select(layout, Plan.Text);
        var numberValues = numbers.Select(_ => new double[rows]).ToArray();
        var numberCategoryValues = numberCategories.Select(_ => new string?[rows]).ToArray();
        var numberKeys = numberCategories.Select(_ => new NumberCategoryKeys()).ToArray();
        var textValues = texts.Select(_ => new string?[rows]).ToArray();
        var interners = texts.Select(_ => new StringInterner()).ToArray();
        var ordinals = layout.Ordinals;

        var row = 0;
        while (row < rows && cursor.Read())
        {
            if (cursor.FieldCount != layout.Header.Length) throw Changed(path, null, cursor.Row, null);
            for (var k = 0; k < numbers.Length; k++)
            {
                var j = numbers[k];
                if (!NumberText.TryParse(cursor.Field(ordinals[j]), out numberValues[k][row]))
                    throw Changed(path, layout.Names[j], cursor.Row, cursor.Field(ordinals[j]).ToString());
            }
            for (var k = 0; k < numberCategories.Length; k++)
            {
                var j = numberCategories[k];
                if (!NumberText.TryParse(cursor.Field(ordinals[j]), out var value))
                    throw Changed(path, layout.Names[j], cursor.Row, cursor.Field(ordinals[j]).ToString());
                numberCategoryValues[k][row] = numberKeys[k].KeyOf(value);
            }
            for (var k = 0; k < texts.Length; k++)
            {
                var cell = cursor.Field(ordinals[texts[k]]);
                textValues[k][row] = cell.IsWhiteSpace() ? null : interners[k].Intern(cell);
            }
            row++;
        }
        if (row < rows) throw Changed(path, null, null, null);
        cursor.Complete();

        var columns = new Column[layout.Names.Length];
        for (var k = 0; k < numbers.Length; k++) columns[numbers[k]] = new NumericColumn(layout.Names[numbers[k]], numberValues[k]);
        for (var k = 0; k < numberCategories.Length; k++) columns[numberCategories[k]] = new CategoricalColumn(layout.Names[numberCategories[k]], numberCategoryValues[k]);
        for (var k = 0; k < texts.Length; k++) columns[texts[k]] = new CategoricalColumn(layout.Names[texts[k]], textValues[k]);
        return new ColumnTable(columns, path);
    }

    private static string[] ReadHeader(CsvCursor cursor, string path)
    {
        var names = new string[cursor.HeaderFieldCount];
        var seen = new HashSet<string>(names.Length, StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = cursor.HeaderName(i).Trim();
            if (names[i].Length == 0)
                throw new ScouterDataException(string.Create(CultureInfo.InvariantCulture, $"header field {i + 1} is empty; every column needs a name"), path);
            if (!seen.Add(names[i])) throw new ScouterDataException("duplicate column name in the header", path, names[i]);
        }
        return names;
    }

    private static int[] Select(Layout layout, Plan plan) =>
        [.. Enumerable.Range(0, layout.Plans.Length).Where(j => layout.Plans[j] == plan)];

    private static ScouterDataException Ragged(string path, long row, int fields, int expected) => new(
        fields == 0
            ? string.Create(CultureInfo.InvariantCulture, $"the row is blank but the header has {expected} fields")
            : string.Create(CultureInfo.InvariantCulture, $"the row has {fields} fields but the header has {expected}"),
        path, row: row);

    private static ScouterDataException Changed(string path, string? column, long? row, string? value) =>
        new("the file changed while it was being read", path, column, row, value);
}
