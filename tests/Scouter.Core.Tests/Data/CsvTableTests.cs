using System.Text;
using Scouter.Data;
using Xunit;

namespace Scouter.Core.Tests.Data;

public sealed class CsvTableTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static ColumnTable Read(string path, TableReadOptions? options = null) =>
        CsvTable.Read(path, options, TestContext.Current.CancellationToken);

    [Fact]
    public void Read_MixedColumns_TypesEachColumn()
    {
        var path = _files.Write("mixed.csv", "age,city,score,code\n31,paris,1.5,7\n45,lyon,-2e3,x9\n27,paris,,12\n");

        var table = Read(path);

        Assert.Equal(3, table.RowCount);
        Assert.Equal(["age", "city", "score", "code"], table.Select(c => c.Name));
        var age = Assert.IsType<NumericColumn>(table["age"]);
        Assert.Equal([31.0, 45.0, 27.0], age.Values.ToArray());
        var city = Assert.IsType<CategoricalColumn>(table["city"]);
        Assert.Equal(["paris", "lyon", "paris"], city.Values);
        var score = Assert.IsType<NumericColumn>(table["score"]);
        Assert.Equal(1.5, score.Values[0]);
        Assert.Equal(-2000.0, score.Values[1]);
        Assert.True(double.IsNaN(score.Values[2]));
        // One non-number makes the whole column categorical, with the numbers' text kept verbatim.
        var code = Assert.IsType<CategoricalColumn>(table["code"]);
        Assert.Equal(["7", "x9", "12"], code.Values);
        Assert.Equal(FeatureKind.Categorical, code.Kind);
        Assert.Equal(path, table.Source);
    }

    [Fact]
    public void Read_RepeatedCategories_ShareOneStringInstance()
    {
        var path = _files.Write("cats.csv", "city\nparis\nlyon\nparis\n");

        var city = (CategoricalColumn)Read(path)["city"];

        Assert.Same(city.Values[0], city.Values[2]);
    }

    [Fact]
    public void Read_CategoricalColumnsOption_ForcesCategoricalWithRoundTripKeys()
    {
        var path = _files.Write("forced.csv", "zip,rating,name\n75001,1.0,a\n69002,2.50,b\n,NaN,c\n");

        var table = Read(path, new TableReadOptions { CategoricalColumns = ["zip", "rating", "name"] });

        Assert.Equal(["75001", "69002", null], Assert.IsType<CategoricalColumn>(table["zip"]).Values);
        // Same key as Feature.CategoryKey gives at inference time for 1.0 and 2.5.
        Assert.Equal(["1", "2.5", null], Assert.IsType<CategoricalColumn>(table["rating"]).Values);
        Assert.Equal(["a", "b", "c"], Assert.IsType<CategoricalColumn>(table["name"]).Values);
        Assert.Equal(new Feature("rating", 1.0).CategoryKey, ((CategoricalColumn)table["rating"]).Values[0]);
    }

    [Fact]
    public void Read_ForcedColumnWithText_KeepsTextVerbatim()
    {
        var path = _files.Write("forced-text.csv", "grade\n1.0\nA+\n");

        var grade = Assert.IsType<CategoricalColumn>(Read(path, new TableReadOptions { CategoricalColumns = ["grade"] })["grade"]);

        Assert.Equal(["1.0", "A+"], grade.Values);
    }

    [Fact]
    public void Read_NaNInfinityAndEmptyCells_AreMissingAndKeepTheColumnNumeric()
    {
        var cells = new[] { "1", "", "   ", "NaN", "nan", "-nan", "inf", "-inf", "+Inf", "Infinity", "-infinity", "1e999", "\"\"", "2" };
        var path = _files.Write("missing.csv", "x,y\n" + string.Concat(cells.Select((c, i) => $"{c},{i}\n")));

        var x = Assert.IsType<NumericColumn>(Read(path)["x"]);

        Assert.Equal(cells.Length, x.Length);
        Assert.Equal(1.0, x.Values[0]);
        Assert.Equal(2.0, x.Values[^1]);
        for (var i = 1; i < cells.Length - 1; i++) Assert.True(double.IsNaN(x.Values[i]), $"cell '{cells[i]}' should be NaN but is {x.Values[i]}");
    }

    [Fact]
    public void Read_BlankCategoricalCells_AreNull()
    {
        var path = _files.Write("blank-text.csv", "city,n\nparis,1\n,2\n  ,3\n");

        var city = (CategoricalColumn)Read(path)["city"];

        Assert.Equal(["paris", null, null], city.Values);
    }

    [Fact]
    public void Read_EmptyFile_ReportsFileIsEmpty()
    {
        var path = _files.Write("empty.csv", "");

        var error = Assert.Throws<ScouterDataException>(() => Read(path));

        Assert.Contains("empty.csv", error.Message, StringComparison.Ordinal);
        Assert.Contains("file is empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_HeaderOnly_ReportsNoDataRows()
    {
        var path = _files.Write("header.csv", "a,b\n");

        var error = Assert.Throws<ScouterDataException>(() => Read(path));

        Assert.Contains("header.csv", error.Message, StringComparison.Ordinal);
        Assert.Contains("no data rows", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_OneRow_ReadsIt()
    {
        var path = _files.Write("one.csv", "a,b\n1,x");

        var table = Read(path);

        Assert.Equal(1, table.RowCount);
        Assert.Equal(1.0, ((NumericColumn)table["a"]).Values[0]);
        Assert.Equal("x", ((CategoricalColumn)table["b"]).Values[0]);
    }

    [Fact]
    public void Read_RequestedColumnMissing_ReportsFileAndColumn()
    {
        var path = _files.Write("cols.csv", "a,b\n1,2\n");

        var error = Assert.Throws<ScouterDataException>(() => Read(path, new TableReadOptions { Columns = ["a", "income"] }));

        Assert.Contains("cols.csv", error.Message, StringComparison.Ordinal);
        Assert.Contains("'income'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'b'", error.Message, StringComparison.Ordinal); // lists what the file has
        Assert.Equal("income", error.Column);
    }

    [Fact]
    public void Read_ColumnsOption_SelectsInRequestedOrder()
    {
        var path = _files.Write("select.csv", "a,b,c\n1,2,3\n4,5,6\n");

        var table = Read(path, new TableReadOptions { Columns = ["c", "a"] });

        Assert.Equal(["c", "a"], table.Select(c => c.Name));
        Assert.Equal([3.0, 6.0], ((NumericColumn)table["c"]).Values.ToArray());
        Assert.False(table.TryGetColumn("b", out _));
    }

    [Fact]
    public void Read_CategoricalColumnNotInFile_ReportsColumn()
    {
        var path = _files.Write("cat-missing.csv", "a\n1\n");

        var error = Assert.Throws<ScouterDataException>(() => Read(path, new TableReadOptions { CategoricalColumns = ["zip"] }));

        Assert.Equal("zip", error.Column);
        Assert.Contains("cat-missing.csv", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a,b\n1,2\n3,4\n5,6,7\n", 3L, "3 fields")]
    [InlineData("a,b\n1,2\n3\n", 2L, "1 fields")]
    public void Read_RaggedRow_ReportsFileAndRow(string text, long row, string detail)
    {
        var path = _files.Write("ragged.csv", text);

        var error = Assert.Throws<ScouterDataException>(() => Read(path));

        Assert.Equal(row, error.Row);
        Assert.Contains("ragged.csv", error.Message, StringComparison.Ordinal);
        Assert.Contains($"row {row}", error.Message, StringComparison.Ordinal);
        Assert.Contains(detail, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_BlankLineBetweenRows_ReportsRow()
    {
        var path = _files.Write("blank-line.csv", "a,b\n1,2\n\n3,4\n");

        var error = Assert.Throws<ScouterDataException>(() => Read(path));

        Assert.Equal(2, error.Row);
        Assert.Contains("blank", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TrailingBlankLines_AreIgnored()
    {
        var path = _files.Write("trailing.csv", "a,b\r\n1,2\r\n3,4\r\n\r\n\r\n");

        Assert.Equal(2, Read(path).RowCount);
    }

    [Fact]
    public void Read_OneColumnWithBlankLine_TreatsItAsMissing()
    {
        var path = _files.Write("single.csv", "a\n1\n\n3\n\n");

        var a = (NumericColumn)Read(path)["a"];

        Assert.Equal(3, a.Length);
        Assert.True(double.IsNaN(a.Values[1]));
        Assert.Equal(3.0, a.Values[2]);
    }

    [Fact]
    public void Read_DuplicateHeaderNames_ReportsColumn()
    {
        var path = _files.Write("dup.csv", "a,b,a\n1,2,3\n");

        var error = Assert.Throws<ScouterDataException>(() => Read(path));

        Assert.Equal("a", error.Column);
        Assert.Contains("dup.csv", error.Message, StringComparison.Ordinal);
        Assert.Contains("duplicate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_EmptyHeaderName_ReportsPosition()
    {
        var path = _files.Write("noname.csv", "a,,c\n1,2,3\n");

        var error = Assert.Throws<ScouterDataException>(() => Read(path));

        Assert.Contains("header field 2 is empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_HeaderNames_AreTrimmed()
    {
        var path = _files.Write("spaces.csv", "a, b \n1,2\n");

        Assert.True(Read(path).TryGetColumn("b", out _));
    }

    [Fact]
    public void Read_QuotedFields_KeepCommasQuotesAndNewlines()
    {
        var path = _files.Write("quoted.csv", "name,n\n\"Smith, J\",1\n\"say \"\"hi\"\"\",2\n\"two\nlines\",3\n");

        var table = Read(path);

        Assert.Equal(["Smith, J", "say \"hi\"", "two\nlines"], ((CategoricalColumn)table["name"]).Values);
        Assert.Equal([1.0, 2.0, 3.0], ((NumericColumn)table["n"]).Values.ToArray());
    }

    [Fact]
    public void Read_MalformedQuote_ReportsFileAndRow()
    {
        var path = _files.Write("badquote.csv", "a,b\n1,2\n\"x\"y,3\n");

        var error = Assert.Throws<ScouterDataException>(() => Read(path));

        Assert.Equal(2, error.Row);
        Assert.Contains("badquote.csv", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_InvalidUtf8_ReportsFileAndRow()
    {
        var bytes = Encoding.UTF8.GetBytes("a,b\n1,x\n2,y\n3,");
        var path = _files.Write("latin1.csv", [.. bytes, 0xE9, (byte)'\n']); // a Latin-1 'é'

        var error = Assert.Throws<ScouterDataException>(() => Read(path));

        Assert.Equal(3, error.Row);
        Assert.Equal("0xE9", error.Value);
        Assert.Contains("latin1.csv", error.Message, StringComparison.Ordinal);
        Assert.Contains("UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_InvalidUtf8InHeader_ReportsHeader()
    {
        var path = _files.Write("badheader.csv", [(byte)'a', 0xFF, (byte)'\n', (byte)'1', (byte)'\n']);

        var error = Assert.Throws<ScouterDataException>(() => Read(path));

        Assert.Null(error.Row);
        Assert.Contains("the header", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_InvalidUtf8FarIntoTheFile_ReportsExactRow()
    {
        // Far beyond the reader's 64 KB chunks and Sylvan's read-ahead buffer.
        var text = new StringBuilder("a,b\n");
        for (var i = 1; i < 50_000; i++) text.Append(i).Append(",é\n");
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        var path = _files.Write("deep.csv", [.. bytes, (byte)'7', (byte)',', 0xC3, (byte)'\n']); // truncated 2-byte sequence

        var error = Assert.Throws<ScouterDataException>(() => Read(path));

        Assert.Equal(50_000, error.Row);
    }

    [Fact]
    public void Read_TruncatedSequenceAtEndOfFile_IsInvalid()
    {
        var path = _files.Write("cut.csv", [(byte)'a', (byte)'\n', (byte)'1', (byte)'\n', 0xE2, 0x82]);

        var error = Assert.Throws<ScouterDataException>(() => Read(path));

        Assert.Equal(2, error.Row);
    }

    [Fact]
    public void Read_MultiByteCharactersAcrossChunkBoundaries_DecodeIntact()
    {
        var text = new StringBuilder("city,n\n");
        for (var i = 0; i < 40_000; i++) text.Append(i % 2 == 0 ? "Zürich" : "東京😀").Append(',').Append(i).Append('\n');
        var path = _files.Write("unicode.csv", text.ToString());

        var city = (CategoricalColumn)Read(path)["city"];

        Assert.Equal(40_000, city.Length);
        Assert.All(city.Values, (v, i) => Assert.Equal(i % 2 == 0 ? "Zürich" : "東京😀", v));
    }

    [Fact]
    public void Read_Utf8Bom_IsNotPartOfTheFirstName()
    {
        var path = _files.Write("bom.csv", [.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes("id,x\n1,2\n")]);

        Assert.Equal("id", Read(path)[0].Name);
    }

    [Fact]
    public void Read_MissingFile_ReportsFileNotFound()
    {
        var path = _files.PathOf("nope.csv");

        var error = Assert.Throws<ScouterDataException>(() => Read(path));

        Assert.Contains("nope.csv", error.Message, StringComparison.Ordinal);
        Assert.Contains("file not found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_LargeFile_ReportsScanAndLoadProgress()
    {
        var text = new StringBuilder("a,b\n");
        for (var i = 0; i < 300_000; i++) text.Append(i).Append(",cat").Append(i % 7).Append('\n');
        var path = _files.Write("large.csv", text.ToString());
        var size = new FileInfo(path).Length;
        var reports = new List<TableReadProgress>();

        var table = Read(path, new TableReadOptions { Progress = new SyncProgress(reports.Add) });

        Assert.Equal(300_000, table.RowCount);
        Assert.True(size > 3 << 20, "the test file should span several megabytes");
        Assert.Equal([TableReadProgress.ScanPhase, TableReadProgress.LoadPhase], reports.Select(r => r.Phase).Distinct());
        Assert.All(reports, r => Assert.Equal(size, r.TotalBytes));
        Assert.Equal(size, reports[^1].BytesRead);
        var scans = reports.Where(r => r.Phase == TableReadProgress.ScanPhase).ToList();
        Assert.InRange(scans.Count, 3, (size >> 20) + 3); // about one per megabyte
        Assert.Equal(scans.Select(r => r.BytesRead).Order(), scans.Select(r => r.BytesRead));
    }

    [Fact]
    public void Read_Cancelled_Throws()
    {
        var path = _files.Write("cancel.csv", "a\n1\n");
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => CsvTable.Read(path, null, cts.Token));
    }

    /// <summary>Reports synchronously (<see cref="Progress{T}"/> would post to the thread pool).</summary>
    private sealed class SyncProgress(Action<TableReadProgress> report) : IProgress<TableReadProgress>
    {
        public void Report(TableReadProgress value) => report(value);
    }
}
