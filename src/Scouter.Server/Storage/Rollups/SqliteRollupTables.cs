using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Scouter.Server.Storage.Rollups;

/// <summary>
/// Adds a roll-up pass to the SQLite hourly tables with upserts (SQLite arithmetic never raises:
/// an overflowing sum is ±infinity, a NaN is stored as null and read back as NaN).
/// </summary>
internal static class SqliteRollupTables
{
    public static async Task AddAsync(SqliteConnection connection, SqliteTransaction tx, RollupDelta delta, CancellationToken ct)
    {
        var psi = delta.Psi.SelectMany(kv => kv.Value.Select(b => (kv.Key, Bin: b.Key, Count: b.Value))).ToList();
        await SqliteBulkInsert.RunAsync(connection, tx, "psi_hourly", ["uid", "bucket", "feature", "bin_id", "count"], psi,
            r => [Text(r.Key.Uid), r.Key.Hour, r.Key.Name, r.Bin, r.Count], ct,
            "on conflict (uid, bucket, feature, bin_id) do update set count = count + excluded.count");
        await SqliteBulkInsert.RunAsync(connection, tx, "spc_hourly", ["uid", "bucket", "feature", "samples", "value_count", "sum", "sum_squares", "min_mean", "max_mean"], [.. delta.Spc],
            r => [Text(r.Key.Uid), r.Key.Hour, r.Key.Name, r.Value.Samples, r.Value.Values, Real(r.Value.Sum), Real(r.Value.SumSquares), r.Value.Min, r.Value.Max], ct,
            "on conflict (uid, bucket, feature) do update set samples = samples + excluded.samples, value_count = value_count + excluded.value_count, sum = sum + excluded.sum, sum_squares = sum_squares + excluded.sum_squares, "
            + "min_mean = min(min_mean, excluded.min_mean), max_mean = max(max_mean, excluded.max_mean)");
        foreach (var (table, sums) in new[] { ("custom_hourly", delta.Custom), ("llm_score_hourly", delta.LlmScores) })
        {
            await SqliteBulkInsert.RunAsync(connection, tx, table, ["uid", "bucket", "metric", "sum", "count"], [.. sums],
                r => [Text(r.Key.Uid), r.Key.Hour, r.Key.Name, Real(r.Value.Sum), r.Value.Count], ct,
                "on conflict (uid, bucket, metric) do update set sum = sum + excluded.sum, count = count + excluded.count");
        }
    }

    private static string Text(Guid id) => id.ToString("D", CultureInfo.InvariantCulture);

    /// <summary>A NaN parameter is refused by SQLite; it is stored as null, which every read takes as NaN.</summary>
    private static double? Real(double value) => double.IsNaN(value) ? null : value;
}
