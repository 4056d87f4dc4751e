using System.Globalization;
using Parquet;
using Parquet.Schema;

namespace Scouter.Data;

/// <summary>Reads a Parquet file into a <see cref="ColumnTable"/>, row group by row group.</summary>
/// <remarks>
/// Top-level columns of number types (int8-64, unsigned, float, double, decimal; nullable or not)
/// become numeric columns with null as NaN; string and bool columns become categorical
/// (<c>"true"</c>/<c>"false"</c>). Columns of other types (dates, times, binary, lists, structs, maps) are
/// skipped, or reported as an error when requested in <see cref="TableReadOptions.Columns"/>. A numeric
/// column listed in <see cref="TableReadOptions.CategoricalColumns"/> becomes categorical with the
/// invariant shortest round-trip form of each value as its category (<c>"3"</c>, <c>"2.5"</c>).
/// </remarks>
public static class ParquetTable
{
    /// <summary>Reads <paramref name="path"/>.</summary>
    /// <param name="path">The Parquet file.</param>
    /// <param name="options">Column selection, forced categorical columns and progress; null for defaults.</param>
    /// <param name="cancellationToken">Cancels reading.</param>
    /// <exception cref="ScouterDataException">
    /// The file is missing, empty, not Parquet, unreadable, has no rows, or a requested column is missing
    /// or of an unsupported type; the message names the file and, where it applies, the column.
    /// </exception>
    public static async Task<ColumnTable> ReadAsync(string path, TableReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var totalBytes = FileChecks.RequireNonEmptyFile(path);
        cancellationToken.ThrowIfCancellationRequested();
        var progress = options?.Progress;
        progress?.Report(new TableReadProgress(TableReadProgress.LoadPhase, 0, totalBytes));

        ParquetReader reader;
        try
        {
            reader = await ParquetReader.CreateAsync(path, null, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException
                ? FileChecks.FromIoError(e, path)!
                : new ScouterDataException($"not a readable Parquet file: {e.Message}", path, inner: e);
        }

        await using (reader)
        {
            var fields = reader.Schema.Fields;
            var selection = ColumnSelection.Resolve(path, [.. fields.Select(f => f.Name)], i => Unsupported(fields[i]), options);

            long total = 0;
            for (var g = 0; g < reader.RowGroupCount; g++) total += reader.OpenRowGroupReader(g).RowCount;
            if (total == 0) throw new ScouterDataException("no data rows", path);
            if (total > Array.MaxLength)
                throw new ScouterDataException(string.Create(CultureInfo.InvariantCulture, $"too many rows ({total}); at most {Array.MaxLength} are supported"), path);
            var rows = (int)total;

            var selected = selection.Indices.Select(i => (DataField)fields[i]).ToArray();
            var sinks = new ParquetColumnSink[selected.Length];
            for (var j = 0; j < sinks.Length; j++)
            {
                sinks[j] = ParquetColumnSink.Create(selected[j].ClrType, selection.ForceCategorical[j], rows)
                    ?? throw new InvalidOperationException("selection admitted an unsupported column");
            }

            var offset = 0;
            long bytesRead = 0;
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var group = reader.OpenRowGroupReader(g);
                var count = checked((int)group.RowCount);
                for (var j = 0; j < sinks.Length; j++)
                {
                    try
                    {
                        await sinks[j].ReadAsync(group, selected[j], offset, count, cancellationToken);
                    }
                    catch (Exception e) when (e is not OperationCanceledException and not ScouterDataException)
                    {
                        throw new ScouterDataException($"cannot read the column: {e.Message}", path, selected[j].Name, inner: e);
                    }
                }
                offset += count;
                bytesRead += group.RowGroup.TotalCompressedSize ?? group.RowGroup.TotalByteSize;
                progress?.Report(new TableReadProgress(TableReadProgress.LoadPhase, Math.Min(bytesRead, totalBytes), totalBytes));
            }
            progress?.Report(new TableReadProgress(TableReadProgress.LoadPhase, totalBytes, totalBytes));

            var columns = new Column[sinks.Length];
            for (var j = 0; j < sinks.Length; j++) columns[j] = sinks[j].ToColumn(selected[j].Name);
            return new ColumnTable(columns, path);
        }
    }

    /// <summary>Why a top-level field cannot become a column, or null when it can.</summary>
    private static string? Unsupported(Field field) => field switch
    {
        DataField { IsArray: true } or DataField { MaxRepetitionLevel: > 0 } => $"repeated (list) columns are not supported; its type is list of {((DataField)field).ClrType.Name}",
        DataField data when !ParquetColumnSink.IsSupported(data.ClrType) => $"its type {data.ClrType.Name} is not supported (only numbers, strings and bools)",
        DataField => null,
        _ => $"nested {field.SchemaType.ToString().ToLowerInvariant()} columns are not supported",
    };
}
