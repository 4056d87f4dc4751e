using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace Scouter.Server.Storage.Rollups;

/// <summary>
/// Writes a roll-up pass into the PostgreSQL hourly tables: the rows of the touched keys are read,
/// added to in .NET (double arithmetic: no overflow error can stop the pass), deleted and copied
/// back. Only the pass holding the watermark row writes, so the read-modify-write cannot race.
/// </summary>
internal static class PostgresRollupTables
{
    public static async Task MergeAsync(NpgsqlConnection connection, RollupDelta delta, CancellationToken ct)
    {
        if (delta.Psi.Count > 0)
        {
            var filter = Filter("feature", delta.Psi.Keys, out var args);
            await using (var reader = await connection.ExecuteReaderAsync(new CommandDefinition($"select uid, bucket, feature, bin_ids, counts from psi_hourly where {filter}", args, cancellationToken: ct)))
            {
                while (await reader.ReadAsync(ct))
                {
                    var key = new RollupKey(reader.GetGuid(0), reader.GetInt64(1), reader.GetString(2));
                    var bins = (int[])reader.GetValue(3);
                    var counts = (double[])reader.GetValue(4);
                    for (var i = 0; i < bins.Length; i++) delta.AddPsi(key, bins[i], counts[i]);
                }
            }
            await connection.ExecuteAsync(new CommandDefinition($"delete from psi_hourly where {filter}", args, cancellationToken: ct));
            await using var copy = await connection.BeginBinaryImportAsync("copy psi_hourly (uid, bucket, feature, bin_ids, counts) from stdin (format binary)", ct);
            foreach (var (key, bins) in delta.Psi)
            {
                await copy.StartRowAsync(ct);
                await WriteKeyAsync(copy, key, ct);
                var ordered = bins.OrderBy(b => b.Key).ToArray();
                await copy.WriteAsync(ordered.Select(b => b.Key).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(ordered.Select(b => b.Value).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Double, ct);
            }
            await copy.CompleteAsync(ct);
        }
        if (delta.Spc.Count > 0)
        {
            var filter = Filter("feature", delta.Spc.Keys, out var args);
            await using (var reader = await connection.ExecuteReaderAsync(new CommandDefinition(
                $"select uid, bucket, feature, samples, value_count, sum, sum_squares, min_mean, max_mean from spc_hourly where {filter}", args, cancellationToken: ct)))
            {
                while (await reader.ReadAsync(ct))
                {
                    var key = new RollupKey(reader.GetGuid(0), reader.GetInt64(1), reader.GetString(2));
                    ref var stats = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(delta.Spc, key, out _);
                    stats.Merge(SpcStats.Of(reader.GetDouble(3), reader.GetDouble(4), reader.GetDouble(5), reader.GetDouble(6), reader.GetDouble(7), reader.GetDouble(8)));
                }
            }
            await connection.ExecuteAsync(new CommandDefinition($"delete from spc_hourly where {filter}", args, cancellationToken: ct));
            await using var copy = await connection.BeginBinaryImportAsync("copy spc_hourly (uid, bucket, feature, samples, value_count, sum, sum_squares, min_mean, max_mean) from stdin (format binary)", ct);
            foreach (var (key, stats) in delta.Spc)
            {
                await copy.StartRowAsync(ct);
                await WriteKeyAsync(copy, key, ct);
                foreach (var value in new[] { stats.Samples, stats.Values, stats.Sum, stats.SumSquares, stats.Min, stats.Max }) await copy.WriteAsync(value, NpgsqlDbType.Double, ct);
            }
            await copy.CompleteAsync(ct);
        }
        await MergeMetricsAsync(connection, "custom_hourly", delta.Custom, ct);
        await MergeMetricsAsync(connection, "llm_score_hourly", delta.LlmScores, ct);
    }

    private static async Task MergeMetricsAsync(NpgsqlConnection connection, string table, Dictionary<RollupKey, MetricSum> sums, CancellationToken ct)
    {
        if (sums.Count == 0) return;
        var filter = Filter("metric", sums.Keys, out var args);
        await using (var reader = await connection.ExecuteReaderAsync(new CommandDefinition($"select uid, bucket, metric, sum, count from {table} where {filter}", args, cancellationToken: ct)))
        {
            while (await reader.ReadAsync(ct))
            {
                RollupDelta.AddMetric(sums, new RollupKey(reader.GetGuid(0), reader.GetInt64(1), reader.GetString(2)), reader.GetDouble(3), reader.GetDouble(4));
            }
        }
        await connection.ExecuteAsync(new CommandDefinition($"delete from {table} where {filter}", args, cancellationToken: ct));
        await using var copy = await connection.BeginBinaryImportAsync($"copy {table} (uid, bucket, metric, sum, count) from stdin (format binary)", ct);
        foreach (var (key, sum) in sums)
        {
            await copy.StartRowAsync(ct);
            await WriteKeyAsync(copy, key, ct);
            await copy.WriteAsync(sum.Sum, NpgsqlDbType.Double, ct);
            await copy.WriteAsync(sum.Count, NpgsqlDbType.Double, ct);
        }
        await copy.CompleteAsync(ct);
    }

    private static string Filter(string nameColumn, IEnumerable<RollupKey> keys, out object args)
    {
        var list = keys.ToList();
        args = new { uids = list.Select(k => k.Uid).ToArray(), hours = list.Select(k => k.Hour).ToArray(), names = list.Select(k => k.Name).ToArray() };
        return $"(uid, bucket, {nameColumn}) in (select * from unnest(@uids, @hours, @names))";
    }

    private static async Task WriteKeyAsync(NpgsqlBinaryImporter copy, RollupKey key, CancellationToken ct)
    {
        await copy.WriteAsync(key.Uid, NpgsqlDbType.Uuid, ct);
        await copy.WriteAsync(key.Hour, NpgsqlDbType.Bigint, ct);
        await copy.WriteAsync(key.Name, NpgsqlDbType.Text, ct);
    }
}
