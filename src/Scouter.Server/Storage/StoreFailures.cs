using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Scouter.Server.Storage;

/// <summary>
/// Tells a database that cannot serve right now (unreachable, dropped, restarting, out of
/// connections, locked, disk full) from a bug in a statement. The API answers the first with 503
/// <c>storage_unavailable</c> and Retry-After (see <c>ApiErrors</c>); the second stays a 500.
/// </summary>
internal static class StoreFailures
{
    /// <summary>True when <paramref name="exception"/> (or an inner exception) says the store is unavailable.</summary>
    public static bool IsUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg:
                    return pg.IsTransient
                        || pg.SqlState.StartsWith("08", StringComparison.Ordinal) // connection exception
                        || pg.SqlState.StartsWith("28", StringComparison.Ordinal) // invalid authorization (credentials changed)
                        || pg.SqlState.StartsWith("53", StringComparison.Ordinal) // insufficient resources
                        || pg.SqlState.StartsWith("57P", StringComparison.Ordinal) // shutdown / cannot connect now
                        || pg.SqlState == PostgresErrorCodes.InvalidCatalogName; // 3D000: the database is gone
                case NpgsqlException:
                    // Not a server error: the connection could not be opened or broke (refused, reset, timeout, pool exhausted).
                    return true;
                case SqliteException lite:
                    return lite.SqliteErrorCode is 5 or 6 or 8 or 10 or 13 or 14; // BUSY, LOCKED, READONLY, IOERR, FULL, CANTOPEN
                case TimeoutException or SocketException:
                    return true;
            }
        }
        return false;
    }
}
