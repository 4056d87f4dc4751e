using Sylvan.Data.Csv;

namespace Scouter.Data;

/// <summary>
/// One forward pass over a CSV file: a strict UTF-8 decoder under Sylvan's parser, the 1-based data
/// row of the current record, progress reports about every megabyte, and cancellation checks.
/// Parser errors become <see cref="ScouterDataException"/> naming the file and row.
/// </summary>
internal sealed class CsvCursor : IDisposable
{
    private const long ReportEvery = 1 << 20;

    private readonly Utf8FileReader _text;
    private readonly CsvDataReader _csv;
    private readonly string _source;
    private readonly string _phase;
    private readonly long _totalBytes;
    private readonly IProgress<TableReadProgress>? _progress;
    private readonly CancellationToken _cancellationToken;
    private long _nextReport = ReportEvery;

    private CsvCursor(Utf8FileReader text, CsvDataReader csv, string source, string phase, long totalBytes, IProgress<TableReadProgress>? progress, CancellationToken cancellationToken)
    {
        _text = text;
        _csv = csv;
        _source = source;
        _phase = phase;
        _totalBytes = totalBytes;
        _progress = progress;
        _cancellationToken = cancellationToken;
    }

    /// <summary>The 1-based data row of the current record (0 before the first).</summary>
    public long Row { get; private set; }

    /// <summary>The number of header fields.</summary>
    public int HeaderFieldCount => _csv.FieldCount;

    /// <summary>The number of fields in the current record.</summary>
    public int FieldCount => _csv.RowFieldCount;

    /// <summary>Whether the current record is an empty line.</summary>
    public bool IsBlankLine => _csv.RowFieldCount == 1 && _csv.GetRawRecordSpan().Trim("\r\n").IsEmpty;

    /// <summary>Opens <paramref name="path"/> and reads the header.</summary>
    public static CsvCursor Open(string path, string phase, long totalBytes, IProgress<TableReadProgress>? progress, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        progress?.Report(new TableReadProgress(phase, 0, totalBytes));
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        var text = new Utf8FileReader(stream, path);
        try
        {
            var csv = CsvDataReader.Create(text, new CsvDataReaderOptions
            {
                HasHeaders = true,
                Delimiter = ',',
                Quote = '"',
                OwnsReader = true,
                MaxBufferSize = 1 << 24, // lets a very wide row grow the 64K-char buffer instead of failing
            });
            return new CsvCursor(text, csv, path, phase, totalBytes, progress, cancellationToken);
        }
        catch (CsvFormatException e)
        {
            text.Dispose();
            throw new ScouterDataException($"cannot read the CSV header: {e.Message}", path, inner: e);
        }
        catch
        {
            text.Dispose();
            throw;
        }
    }

    /// <summary>The name of header field <paramref name="ordinal"/>.</summary>
    public string HeaderName(int ordinal) => _csv.GetName(ordinal);

    /// <summary>The text of field <paramref name="ordinal"/> of the current record (quotes removed), without allocating.</summary>
    public ReadOnlySpan<char> Field(int ordinal) => _csv.GetFieldSpan(ordinal);

    /// <summary>Advances to the next record; false at the end of the file.</summary>
    public bool Read()
    {
        bool more;
        try
        {
            more = _csv.Read();
        }
        catch (CsvFormatException e)
        {
            throw new ScouterDataException($"malformed CSV: {e.Message}", _source, row: Row + 1, inner: e);
        }
        if (!more) return false;
        Row++;
        if (_text.BytesRead >= _nextReport)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            _progress?.Report(new TableReadProgress(_phase, Math.Min(_text.BytesRead, _totalBytes), _totalBytes));
            _nextReport = _text.BytesRead + ReportEvery;
        }
        return true;
    }

    /// <summary>Reports the phase as finished.</summary>
    public void Complete() => _progress?.Report(new TableReadProgress(_phase, _totalBytes, _totalBytes));

    public void Dispose() => _csv.Dispose();
}
