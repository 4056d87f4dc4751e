using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Text.RegularExpressions;
using Dapper;
using Npgsql;

namespace Scouter.Server.Storage;

/// <summary>
/// The daily partitions of the PostgreSQL record tables: created on demand before a batch is written,
/// dropped whole by retention. SQLite has none.
/// </summary>
internal sealed partial class RecordPartitions(ScouterDatabase db, ILogger log)
{
    /// <summary>The days whose partitions exist (or cannot exist); checked before any DDL.</summary>
    private readonly ConcurrentDictionary<DateOnly, bool> _days = new();

    /// <summary>
    /// Creates the daily partitions of every record table for the batch's days, outside the ingest
    /// transaction (DDL failures must not abort it). Two writers racing on the same day are fine:
    /// the loser's "already exists" is ignored. A day whose rows already sit in the default partition
    /// cannot get its own partition; its rows keep going to the default one (retention still deletes them).
    /// </summary>
    public async Task EnsureAsync(IEnumerable<DateTimeOffset> times, CancellationToken ct)
    {
        var days = times.Select(t => DateOnly.FromDateTime(t.UtcDateTime)).Distinct().Where(d => !_days.ContainsKey(d)).ToList();
        if (days.Count == 0) return;
        await using var connection = await db.OpenAsync(ct);
        foreach (var day in days)
        {
            var from = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var to = day.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var suffix = day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
            foreach (var table in RecordSql.RecordTables)
            {
                try
                {
                    await connection.ExecuteAsync(new CommandDefinition(
                        $"create table if not exists {table}_{suffix} partition of {table} for values from ('{from} 00:00:00+00') to ('{to} 00:00:00+00')",
                        cancellationToken: ct));
                }
                catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DuplicateTable or PostgresErrorCodes.UniqueViolation)
                {
                    // Another writer created it between our "if not exists" check and the create.
                }
                catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.CheckViolation)
                {
                    LogPartitionSkipped(log, table, suffix, ex.MessageText);
                }
            }
            _days[day] = true;
        }
    }

    /// <summary>Drops every record table's partitions of the days that end at or before <paramref name="cutoff"/>'s day starts (all their rows are older); returns how many.</summary>
    public async Task<int> DropBeforeAsync(DbConnection connection, DateTimeOffset cutoff, CancellationToken ct)
    {
        var dropped = 0;
        var lastDroppable = DateOnly.FromDateTime(cutoff.UtcDateTime).AddDays(-1);
        foreach (var table in RecordSql.RecordTables)
        {
            var partitions = await connection.QueryAsync<string>(new CommandDefinition(
                "select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent where p.relname = @table",
                new { table }, cancellationToken: ct));
            foreach (var partition in partitions)
            {
                var match = PartitionName().Match(partition);
                if (!match.Success || match.Groups[1].Value != table) continue;
                var day = DateOnly.ParseExact(match.Groups[2].Value, "yyyyMMdd", CultureInfo.InvariantCulture);
                if (day > lastDroppable) continue;
                await connection.ExecuteAsync(new CommandDefinition($"drop table if exists {partition}", cancellationToken: ct));
                _days.TryRemove(day, out _);
                dropped++;
            }
        }
        return dropped;
    }

    [LoggerMessage(EventId = 110, Level = LogLevel.Warning, Message = "Partition {Table}_{Day} not created: the default partition already holds rows of that day ({Reason})")]
    private static partial void LogPartitionSkipped(ILogger logger, string table, string day, string reason);

    [GeneratedRegex(@"^(psi_counts|spc_samples|custom_values|llm_records|llm_scores)_(\d{8})$", RegexOptions.CultureInvariant)]
    private static partial Regex PartitionName();
}
