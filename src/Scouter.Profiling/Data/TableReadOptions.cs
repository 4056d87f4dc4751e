namespace Scouter.Data;

/// <summary>
/// Options for reading a table from a file (<see cref="TableFile"/>, <see cref="CsvTable"/>,
/// <see cref="ParquetTable"/>). A record, so callers can derive a variant with <c>with</c>.
/// </summary>
public sealed record TableReadOptions
{
    /// <summary>
    /// The columns to read, in the order the table should have them. Default (null): every column the
    /// reader supports, in file order. A listed column that the file lacks, or whose type the reader
    /// cannot use, is an error.
    /// </summary>
    public IReadOnlyList<string>? Columns { get; set; }

    /// <summary>
    /// Columns to read as categorical even when their values are numbers. Their category key is the
    /// number in invariant shortest round-trip form (<c>"3"</c>, <c>"2.5"</c>), the same key
    /// <see cref="Feature.CategoryKey"/> gives at inference time; text stays verbatim. Each must exist
    /// in the file. Default: none.
    /// </summary>
    public IReadOnlyCollection<string>? CategoricalColumns { get; set; }

    /// <summary>Receives progress about every megabyte read (and at the end of each phase). Default: none.</summary>
    public IProgress<TableReadProgress>? Progress { get; set; }
}
