using Parquet;
using Parquet.Schema;
using Scouter.Data;
using Xunit;

namespace Scouter.Core.Tests.Data;

public sealed class ParquetTableTests : IDisposable
{
    private static readonly DataField<int> Id = new("id");
    private static readonly DataField<double?> Score = new("score");
    private static readonly DataField<string> City = new("city");
    private static readonly DataField<bool> Active = new("active");
    private static readonly DataField<DateTime> Seen = new("seen");
    private static readonly DataField<decimal> Amount = new("amount");
    private static readonly DataField<long?> Count = new("count");
    private static readonly DataField<float> Ratio = new("ratio");

    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Two row groups of 3 and 2 rows, with nulls in the nullable columns.</summary>
    private async Task<string> WriteSampleAsync(string name = "sample.parquet")
    {
        var path = _files.PathOf(name);
        var schema = new ParquetSchema(Id, Score, City, Active, Seen, Amount, Count, Ratio);
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(schema, stream, cancellationToken: Ct);
        await WriteGroupAsync(writer, [1, 2, 3], [1.5, null, double.NaN], ["paris", null, "lyon"], [true, false, true], [10.25m, 2m, 3m], [7, null, 9], [0.5f, 1f, 2f]);
        await WriteGroupAsync(writer, [4, 5], [-2.0, 4.0], ["paris", "  "], [false, true], [1m, 0m], [null, 1], [3f, 4f]);
        return path;
    }

    private static async Task WriteGroupAsync(ParquetWriter writer, int[] ids, double?[] scores, string?[] cities, bool[] active, decimal[] amounts, long?[] counts, float[] ratios)
    {
        using var group = writer.CreateRowGroup();
        await group.WriteAsync<int>(Id, ids, cancellationToken: Ct);
        await group.WriteAsync<double>(Score, scores, cancellationToken: Ct);
        await group.WriteAsync(City, cities, null);
        await group.WriteAsync<bool>(Active, active, cancellationToken: Ct);
        await group.WriteAsync<DateTime>(Seen, ids.Select(i => DateTime.UnixEpoch.AddDays(i)).ToArray(), cancellationToken: Ct);
        await group.WriteAsync<decimal>(Amount, amounts, cancellationToken: Ct);
        await group.WriteAsync<long>(Count, counts, cancellationToken: Ct);
        await group.WriteAsync<float>(Ratio, ratios, cancellationToken: Ct);
    }

    [Fact]
    public async Task ReadAsync_RoundTrip_ReadsEveryRowGroupWithNullsAsMissing()
    {
        var path = await WriteSampleAsync();

        var table = await ParquetTable.ReadAsync(path, cancellationToken: Ct);

        Assert.Equal(5, table.RowCount);
        Assert.Equal(["id", "score", "city", "active", "amount", "count", "ratio"], table.Select(c => c.Name)); // "seen" (a date) skipped
        Assert.Equal([1.0, 2, 3, 4, 5], Assert.IsType<NumericColumn>(table["id"]).Values.ToArray());
        var score = Assert.IsType<NumericColumn>(table["score"]).Values.ToArray();
        Assert.Equal(1.5, score[0]);
        Assert.True(double.IsNaN(score[1]));
        Assert.True(double.IsNaN(score[2]));
        Assert.Equal([-2.0, 4.0], score[3..]);
        Assert.Equal(["paris", null, "lyon", "paris", null], Assert.IsType<CategoricalColumn>(table["city"]).Values);
        Assert.Equal(["true", "false", "true", "false", "true"], Assert.IsType<CategoricalColumn>(table["active"]).Values);
        Assert.Equal([10.25, 2, 3, 1, 0], Assert.IsType<NumericColumn>(table["amount"]).Values.ToArray());
        var count = Assert.IsType<NumericColumn>(table["count"]).Values.ToArray();
        Assert.Equal(7.0, count[0]);
        Assert.True(double.IsNaN(count[1]) && double.IsNaN(count[3]));
        Assert.Equal([0.5, 1, 2, 3, 4], Assert.IsType<NumericColumn>(table["ratio"]).Values.ToArray());
        var cities = (CategoricalColumn)table["city"];
        Assert.Same(cities.Values[0], cities.Values[3]); // categories interned across row groups
    }

    [Fact]
    public async Task ReadAsync_ColumnsAndCategoricalColumns_SelectAndFormatNumbers()
    {
        var path = await WriteSampleAsync();

        var table = await ParquetTable.ReadAsync(path, new TableReadOptions { Columns = ["amount", "id", "city"], CategoricalColumns = ["amount", "id", "city"] }, Ct);

        Assert.Equal(["amount", "id", "city"], table.Select(c => c.Name));
        Assert.Equal(["10.25", "2", "3", "1", "0"], Assert.IsType<CategoricalColumn>(table["amount"]).Values);
        Assert.Equal(["1", "2", "3", "4", "5"], Assert.IsType<CategoricalColumn>(table["id"]).Values);
        Assert.IsType<CategoricalColumn>(table["city"]);
    }

    [Fact]
    public async Task ReadAsync_RequiredColumnsAfterPooledMemoryWasDirtied_ReadEveryValue()
    {
        var path = await WriteSampleAsync();
        // Leave negative numbers in the shared pool's small int arrays (this thread's and the per-core
        // stacks every thread draws from), as earlier work in the process may: a reader taking
        // definition levels from them without filling them would report values as missing.
        var pool = System.Buffers.ArrayPool<int>.Shared;
        var dirty = Enumerable.Range(0, 256).Select(i => pool.Rent(1 << (i % 6))).ToList();
        foreach (var array in dirty)
        {
            array.AsSpan().Fill(-1);
            pool.Return(array);
        }

        var table = await ParquetTable.ReadAsync(path, new TableReadOptions { Columns = ["id", "amount", "ratio", "active"] }, Ct);

        Assert.Equal([1.0, 2, 3, 4, 5], Assert.IsType<NumericColumn>(table["id"]).Values.ToArray());
        Assert.Equal([10.25, 2, 3, 1, 0], Assert.IsType<NumericColumn>(table["amount"]).Values.ToArray());
        Assert.Equal([0.5, 1, 2, 3, 4], Assert.IsType<NumericColumn>(table["ratio"]).Values.ToArray());
        Assert.Equal(["true", "false", "true", "false", "true"], Assert.IsType<CategoricalColumn>(table["active"]).Values);
    }

    [Fact]
    public async Task ReadAsync_UnsupportedColumnRequested_ReportsColumnAndType()
    {
        var path = await WriteSampleAsync("dates.parquet");

        var error = await Assert.ThrowsAsync<ScouterDataException>(() => ParquetTable.ReadAsync(path, new TableReadOptions { Columns = ["id", "seen"] }, Ct));

        Assert.Equal("seen", error.Column);
        Assert.Contains("dates.parquet", error.Message, StringComparison.Ordinal);
        Assert.Contains("DateTime", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_MissingColumnRequested_ReportsFileAndColumn()
    {
        var path = await WriteSampleAsync();

        var error = await Assert.ThrowsAsync<ScouterDataException>(() => ParquetTable.ReadAsync(path, new TableReadOptions { Columns = ["income"] }, Ct));

        Assert.Equal("income", error.Column);
        Assert.Contains("sample.parquet", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_NotAParquetFile_ReportsFile()
    {
        var path = _files.Write("fake.parquet", "a,b\n1,2\n");

        var error = await Assert.ThrowsAsync<ScouterDataException>(() => ParquetTable.ReadAsync(path, cancellationToken: Ct));

        Assert.Contains("fake.parquet", error.Message, StringComparison.Ordinal);
        Assert.Contains("not a readable Parquet file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_ReportsLoadProgressToTheEnd()
    {
        var path = await WriteSampleAsync();
        var reports = new List<TableReadProgress>();

        await ParquetTable.ReadAsync(path, new TableReadOptions { Progress = new SyncProgress(reports.Add) }, Ct);

        Assert.All(reports, r => Assert.Equal(TableReadProgress.LoadPhase, r.Phase));
        Assert.Equal(new FileInfo(path).Length, reports[^1].BytesRead);
    }

    private sealed class SyncProgress(Action<TableReadProgress> report) : IProgress<TableReadProgress>
    {
        public void Report(TableReadProgress value) => report(value);
    }
}
