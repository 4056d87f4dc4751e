using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Scouter.Server.Storage;

/// <summary>SQLite multi-row inserts (record rows, roll-up upserts) with prepared statements.</summary>
internal static class SqliteBulkInsert
{
    private const int RowsPerStatement = 100;

    /// <summary>
    /// Inserts <paramref name="rows"/> into <paramref name="table"/> in statements of up to 100 rows
    /// (the full-size statement is prepared once and reused); <paramref name="onConflict"/> is appended
    /// to each statement (e.g. an upsert clause).
    /// </summary>
    public static async Task RunAsync<T>(SqliteConnection connection, SqliteTransaction tx, string table, string[] columns, IReadOnlyList<T> rows, Func<T, object?[]> values,
        CancellationToken ct, string onConflict = "")
    {
        SqliteCommand? full = null;
        try
        {
            for (var start = 0; start < rows.Count; start += RowsPerStatement)
            {
                var n = Math.Min(RowsPerStatement, rows.Count - start);
                SqliteCommand command;
                if (n == RowsPerStatement)
                {
                    full ??= Create(connection, tx, table, columns, n, onConflict);
                    command = full;
                }
                else
                {
                    command = Create(connection, tx, table, columns, n, onConflict);
                }
                for (var i = 0; i < n; i++)
                {
                    var v = values(rows[start + i]);
                    for (var c = 0; c < columns.Length; c++) command.Parameters[(i * columns.Length) + c].Value = v[c] ?? DBNull.Value;
                }
                await command.ExecuteNonQueryAsync(ct);
                if (command != full) await command.DisposeAsync();
            }
        }
        finally
        {
            if (full is not null) await full.DisposeAsync();
        }
    }

    private static SqliteCommand Create(SqliteConnection connection, SqliteTransaction tx, string table, string[] columns, int rows, string onConflict)
    {
        var sql = new StringBuilder("insert into " + table + " (" + string.Join(", ", columns) + ") values ");
        var command = connection.CreateCommand();
        command.Transaction = tx;
        for (var i = 0; i < rows; i++)
        {
            sql.Append(i == 0 ? "(" : ", (");
            for (var c = 0; c < columns.Length; c++)
            {
                var name = string.Create(CultureInfo.InvariantCulture, $"@p{i}_{c}");
                sql.Append(c == 0 ? name : ", " + name);
                command.Parameters.Add(new SqliteParameter { ParameterName = name });
            }
            sql.Append(')');
        }
        if (onConflict.Length > 0) sql.Append(' ').Append(onConflict);
#pragma warning disable CA2100 // table, column names and the conflict clause are constants; values are parameters
        command.CommandText = sql.ToString();
#pragma warning restore CA2100
        command.Prepare();
        return command;
    }
}
