namespace Scouter.Server.Storage;

/// <summary>Write transactions in both dialects (SQLite: under <see cref="ScouterDatabase.WriteLock"/>).</summary>
internal static class SqlTransactions
{
    /// <summary>Runs <paramref name="body"/> in one transaction; it commits when the body says so, else rolls back.</summary>
    public static async Task<T> WriteAsync<T>(this ScouterDatabase database, Func<System.Data.Common.DbConnection, System.Data.Common.DbTransaction, Task<(T Result, bool Commit)>> body,
        CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var sqlite = database.Dialect == SqlDialect.Sqlite;
        if (sqlite) await database.WriteLock.WaitAsync(cancellationToken);
        try
        {
            await using var tx = await connection.BeginTransactionAsync(cancellationToken);
            var (result, commit) = await body(connection, tx);
            if (commit) await tx.CommitAsync(cancellationToken);
            else await tx.RollbackAsync(cancellationToken);
            return result;
        }
        finally
        {
            if (sqlite) database.WriteLock.Release();
        }
    }
}
