using Scouter.Data;
using Xunit;

namespace Scouter.Core.Tests.Data;

public sealed class TableFileTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReadAsync_CsvExtension_ReadsCsvCaseInsensitively()
    {
        var path = _files.Write("DATA.CSV", "a,b\n1,x\n");

        var table = await TableFile.ReadAsync(path, cancellationToken: Ct);

        Assert.IsType<NumericColumn>(table["a"]);
        Assert.IsType<CategoricalColumn>(table["b"]);
    }

    [Theory]
    [InlineData("data.parquet")]
    [InlineData("data.pq")]
    public async Task ReadAsync_ParquetExtensions_UseTheParquetReader(string name)
    {
        var path = _files.Write(name, "a,b\n1,x\n"); // CSV content: only the Parquet reader rejects it this way

        var error = await Assert.ThrowsAsync<ScouterDataException>(() => TableFile.ReadAsync(path, cancellationToken: Ct));

        Assert.Contains("Parquet", error.Message, StringComparison.Ordinal);
        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_UnknownExtension_ReportsFileAndExtension()
    {
        var path = _files.Write("data.xlsx", "x");

        var error = await Assert.ThrowsAsync<ScouterDataException>(() => TableFile.ReadAsync(path, cancellationToken: Ct));

        Assert.Contains("data.xlsx", error.Message, StringComparison.Ordinal);
        Assert.Contains("'.xlsx'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_MissingFile_ReportsFileNotFound()
    {
        var path = _files.PathOf("absent.parquet");

        var error = await Assert.ThrowsAsync<ScouterDataException>(() => TableFile.ReadAsync(path, cancellationToken: Ct));

        Assert.Equal(path, error.SourceName);
        Assert.Contains("file not found", error.Message, StringComparison.Ordinal);
    }
}
