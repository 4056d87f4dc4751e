using Scouter.Data;

namespace Scouter.Cli.Commands;

/// <summary>Reads a CLI input file and makes sure every data error names that file.</summary>
internal static class TableInput
{
    public static async Task<ColumnTable> ReadAsync(string path, TableReadOptions options, CancellationToken ct)
    {
        try
        {
            return await TableFile.ReadAsync(path, options, ct);
        }
        catch (ScouterDataException ex)
        {
            throw ex.WithSource(path);
        }
    }

    public static T Attribute<T>(string path, Func<T> work)
    {
        try
        {
            return work();
        }
        catch (ScouterDataException ex)
        {
            throw ex.WithSource(path);
        }
    }
}
