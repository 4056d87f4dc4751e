using System.Data.Common;

namespace Scouter.Server.Storage;

/// <summary>
/// The write transaction of every store, in both dialects. On SQLite (one writer at a time) the
/// <see cref="ScouterDatabase.WriteLock"/> is taken before a connection is opened, so a writer waiting
/// its turn holds no connection, and every writer takes the two in the same order.
/// </summary>
internal static class SqlTransactions
{
    /// <summary>Runs <paramref name="body"/> in one write transaction; it commits when the body says so, else rolls back.</summary>
    public static async Task<T> WriteAsync<T>(this ScouterDatabase database, Func<DbConnection, DbTransaction, Task<(T Result, bool Commit)>> body,
        CancellationToken cancellationToken)
    {
        var sqlite = database.Dialect == SqlDialect.Sqlite;
        if (sqlite) await database.WriteLock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
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

    /// <summary>Runs <paramref name="body"/> in one write transaction that commits when the body returns.</summary>
    public static Task<T> WriteAndCommitAsync<T>(this ScouterDatabase database, Func<DbConnection, DbTransaction, Task<T>> body, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, tx) => (await body(connection, tx), true), cancellationToken);
}
