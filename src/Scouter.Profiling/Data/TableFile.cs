namespace Scouter.Data;

/// <summary>Reads a table file, choosing the reader by extension: <c>.csv</c> (<see cref="CsvTable"/>), <c>.parquet</c> or <c>.pq</c> (<see cref="ParquetTable"/>).</summary>
public static class TableFile
{
    /// <summary>Reads <paramref name="path"/> with the reader its extension names (case-insensitive).</summary>
    /// <param name="path">A <c>.csv</c>, <c>.parquet</c> or <c>.pq</c> file.</param>
    /// <param name="options">Column selection, forced categorical columns and progress; null for defaults.</param>
    /// <param name="cancellationToken">Cancels reading.</param>
    /// <exception cref="ScouterDataException">The file is missing, has another extension, or cannot be read (see the readers).</exception>
    public static async Task<ColumnTable> ReadAsync(string path, TableReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new ScouterDataException("file not found", path);
        var extension = Path.GetExtension(path);
        if (extension.Equals(".csv", StringComparison.OrdinalIgnoreCase))
        {
            // The CSV reader is synchronous; keep the caller's thread (a UI or progress loop) free.
            return await Task.Run(() => CsvTable.Read(path, options, cancellationToken), cancellationToken);
        }
        if (extension.Equals(".parquet", StringComparison.OrdinalIgnoreCase) || extension.Equals(".pq", StringComparison.OrdinalIgnoreCase))
            return await ParquetTable.ReadAsync(path, options, cancellationToken);
        throw new ScouterDataException(
            $"unsupported file type '{extension}'; expected .csv, .parquet or .pq", path);
    }
}
