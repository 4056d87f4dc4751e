using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Dapper;
using Microsoft.Data.Sqlite;
using Scouter.Server.Storage.Rollups;

namespace Scouter.Server.Storage;

/// <summary>SPC sample statistics of one feature in one bucket (finite sample means only).</summary>
/// <param name="Bucket">Bucket index.</param>
/// <param name="Feature">Feature.</param>
/// <param name="Samples">Number of samples.</param>
/// <param name="Values">Values in those samples (Σ count).</param>
/// <param name="Sum">Sum of the sample means.</param>
/// <param name="Min">Smallest sample mean.</param>
/// <param name="Max">Largest sample mean.</param>
internal sealed record SpcBucketStats(int Bucket, string Feature, double Samples, double Values, double Sum, double Min, double Max);

/// <summary>Which time an LLM record is counted by.</summary>
internal enum LlmStatusAxis
{
    /// <summary>The record's time (<c>created_at</c>): every status.</summary>
    Created,

    /// <summary>When its evaluation finished (<c>evaluated_at</c>): done and failed records.</summary>
    Evaluated,
}

/// <summary>
/// The window reads of the record store. With roll-ups (the default) a read takes, in one snapshot:
/// the hourly roll-ups of the hours that lie wholly inside one of the window's buckets
/// (<see cref="WindowPlan"/>), the raw rows of those hours not yet rolled up (above the watermark),
/// and the raw rows of the rest of the window. Each raw row is counted exactly once — in a roll-up
/// or read raw — so the answer is the raw computation's; only its cost differs. Without roll-ups
/// every read is the raw computation (used to check exactly that).
/// </summary>
internal sealed class RecordQueries(ScouterDatabase db, bool useRollups = true)
{
    private bool Postgres => db.Dialect == SqlDialect.Postgres;

    /// <summary>PSI counts summed per bucket, feature and bin.</summary>
    public async Task<IReadOnlyList<PsiBucketCount>> PsiCountsAsync(Guid uid, TimeWindow window, CancellationToken ct)
    {
        var sums = await PsiFeatureCountsAsync(uid, window, ct);
        var features = sums.Keys.Order(StringComparer.Ordinal).ToList();
        var result = new List<PsiBucketCount>();
        for (var bucket = 0; bucket < window.Buckets; bucket++)
        {
            foreach (var feature in features)
            {
                if (sums[feature][bucket] is not { } bins) continue;
                foreach (var (bin, count) in bins.OrderBy(b => b.Key)) result.Add(new PsiBucketCount(bucket, feature, bin, count));
            }
        }
        return result;
    }

    /// <summary>PSI counts per feature, then per bucket (null: no rows), bin → summed count: the shape drift queries use, without a row per bin.</summary>
    public async Task<Dictionary<string, Dictionary<int, double>?[]>> PsiFeatureCountsAsync(Guid uid, TimeWindow window, CancellationToken ct)
    {
        var sums = new Dictionary<string, Dictionary<int, double>?[]>(StringComparer.Ordinal);
        Dictionary<int, double> Bins(int bucket, string feature)
        {
            if (!sums.TryGetValue(feature, out var buckets)) sums[feature] = buckets = new Dictionary<int, double>?[window.Buckets];
            return buckets[bucket] ??= [];
        }
        void Add(int bucket, string feature, int bin, double count) => AddTo(Bins(bucket, feature), bin, count);
        await ReadAsync(window, "psi_counts", async (connection, tx, plan, mark) =>
        {
            if (mark is { } watermark)
            {
                var hourly = Postgres
                    ? "select bucket, feature, bin_ids, counts from psi_hourly where uid = @uid and bucket >= @h0 and bucket <= @h1"
                    : "select bucket, feature, bin_id, count from psi_hourly where uid = @uid and bucket >= @h0 and bucket <= @h1";
                await EachAsync(connection, tx, hourly, HourArgs(uid, plan), r =>
                {
                    var bucket = plan.BucketOfHour(r.GetInt64(0));
                    if (bucket < 0) return;
                    if (!Postgres)
                    {
                        Add(bucket, r.GetString(1), r.GetInt32(2), r.GetDouble(3));
                        return;
                    }
                    var bins = (int[])r.GetValue(2);
                    var counts = (double[])r.GetValue(3);
                    var target = Bins(bucket, r.GetString(1));
                    for (var i = 0; i < bins.Length; i++) AddTo(target, bins[i], counts[i]);
                }, ct);
                await EachAsync(connection, tx, $"""
                    select {HourSql("created_at")}, feature, bin_id, {WindowSums.CountSum(db.Dialect, "count")} from {RecordSql.PsiRows(db.Dialect)}
                    where {Tail()} group by 1, feature, bin_id
                    """, TailArgs(uid, watermark), r =>
                {
                    var bucket = plan.BucketOfHour(r.GetInt64(0));
                    if (bucket >= 0) Add(bucket, r.GetString(1), r.GetInt32(2), DbValues.ReadDouble(r.GetValue(3)));
                }, ct);
            }
            if (plan.RawRanges.Count > 0)
            {
                await EachAsync(connection, tx, $"""
                    select {BucketSql(window, "created_at")}, feature, bin_id, {WindowSums.CountSum(db.Dialect, "count")} from {RecordSql.PsiRows(db.Dialect)}
                    where uid = @uid and {Ranges(plan, "created_at")} group by 1, feature, bin_id
                    """, RangeArgs(uid, plan), r => Add(Clamp(r.GetInt64(0), window), r.GetString(1), r.GetInt32(2), DbValues.ReadDouble(r.GetValue(3))), ct);
            }
        }, ct);
        return sums;
    }

    private static void AddTo(Dictionary<int, double> bins, int bin, double count)
    {
        ref var sum = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(bins, bin, out _);
        sum += count;
    }

    /// <summary>SPC samples in <c>(from, to]</c>, oldest first: the newest <paramref name="limit"/>, only <paramref name="feature"/>'s unless null.</summary>
    public async Task<IReadOnlyList<SpcSampleRow>> SpcSamplesAsync(Guid uid, DateTimeOffset from, DateTimeOffset to, int limit, string? feature, CancellationToken ct)
    {
        var sql = $"""
            select feature, created_at, mean, count from spc_samples
            where uid = @uid and created_at > @from and created_at <= @to{(feature is null ? string.Empty : " and feature = @feature")}
            order by created_at desc, feature limit @limit
            """;
        var result = new List<SpcSampleRow>();
        await using var connection = await db.OpenAsync(ct);
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(sql,
            new { uid = db.Id(uid), from = db.Time(from), to = db.Time(to), limit, feature }, cancellationToken: ct));
        while (await reader.ReadAsync(ct))
        {
            // A non-finite mean cannot come through ingestion; one written otherwise is skipped (it has no zone and no JSON form).
            var mean = reader.GetDouble(2);
            if (double.IsFinite(mean)) result.Add(new SpcSampleRow(uid, reader.GetString(0), DbValues.ReadTime(reader.GetValue(1)), mean, reader.GetInt64(3)));
        }
        result.Reverse();
        return result;
    }

    /// <summary>Every SPC sample in <c>(from, to]</c> in time order, streamed (the (uid, created_at) index): one pass, nothing per sample kept.</summary>
    public async IAsyncEnumerable<SpcSampleRow> StreamSpcSamplesAsync(Guid uid, DateTimeOffset from, DateTimeOffset to, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(
            "select feature, created_at, mean, count from spc_samples where uid = @uid and created_at > @from and created_at <= @to order by created_at",
            new { uid = db.Id(uid), from = db.Time(from), to = db.Time(to) }, cancellationToken: ct));
        while (await reader.ReadAsync(ct))
        {
            var mean = DbValues.ReadDouble(reader.GetValue(2));
            if (double.IsFinite(mean)) yield return new SpcSampleRow(uid, reader.GetString(0), DbValues.ReadTime(reader.GetValue(1)), mean, DbValues.ReadLong(reader.GetValue(3)));
        }
    }

    /// <summary>
    /// Pending LLM records with a record time at or before <paramref name="createdBefore"/>, read from the records themselves
    /// (the partial index of pending ones): pending records are few unless judging is stuck.
    /// </summary>
    public async Task<long> LlmPendingCountAsync(Guid uid, DateTimeOffset createdBefore, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return DbValues.ReadLong(await connection.ExecuteScalarAsync<object>(new CommandDefinition(
            "select count(*) from llm_records where uid = @uid and status = 'pending' and created_at <= @before",
            new { uid = db.Id(uid), before = db.Time(createdBefore) }, cancellationToken: ct)));
    }

    /// <summary>Custom metric sums and counts per bucket and metric (by record time).</summary>
    public Task<IReadOnlyList<MetricBucket>> CustomValuesAsync(Guid uid, TimeWindow window, CancellationToken ct) =>
        MetricsAsync(uid, window, "custom_values", "custom_hourly", "created_at", "sum", WindowSums.CountSum(db.Dialect, "count"), ct);

    /// <summary>LLM score sums and counts per bucket and metric (by the time the score was judged).</summary>
    public Task<IReadOnlyList<MetricBucket>> LlmScoresAsync(Guid uid, TimeWindow window, CancellationToken ct) =>
        MetricsAsync(uid, window, "llm_scores", "llm_score_hourly", "evaluated_at", "score", "count(*)", ct);

    /// <summary>SPC sample statistics per bucket and feature (finite sample means only).</summary>
    public async Task<IReadOnlyList<SpcBucketStats>> SpcStatsAsync(Guid uid, TimeWindow window, CancellationToken ct)
    {
        var stats = new Dictionary<(int Bucket, string Feature), SpcStats>();
        void Add(int bucket, string feature, SpcStats value)
        {
            ref var current = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(stats, (bucket, feature), out _);
            current.Merge(value);
        }
        // Raw statistics in SQL: no squares (a stored mean's square may leave the double range); bucket mean = sum / samples.
        const string Finite = "mean between -1.7976931348623157e308 and 1.7976931348623157e308";
        await WindowSums.QueryAsync(async scaled =>
        {
            stats.Clear();
            var aggregates = $"count(*), {WindowSums.CountSum(db.Dialect, "count")}, {WindowSums.ValueSum("mean", scaled)}, min(mean), max(mean)";
            SpcStats Read(DbDataReader r) => SpcStats.Of(DbValues.ReadDouble(r.GetValue(2)), DbValues.ReadDouble(r.GetValue(3)), WindowSums.ReadValueSum(r.GetValue(4), scaled), 0,
                r.GetDouble(5), r.GetDouble(6));
            await ReadAsync(window, "spc_samples", async (connection, tx, plan, mark) =>
            {
                if (mark is { } watermark)
                {
                    await EachAsync(connection, tx, "select bucket, feature, samples, value_count, sum, min_mean, max_mean from spc_hourly where uid = @uid and bucket >= @h0 and bucket <= @h1",
                        HourArgs(uid, plan), r =>
                        {
                            var bucket = plan.BucketOfHour(r.GetInt64(0));
                            if (bucket >= 0) Add(bucket, r.GetString(1), SpcStats.Of(r.GetDouble(2), r.GetDouble(3), ReadSum(r.GetValue(4)), 0, r.GetDouble(5), r.GetDouble(6)));
                        }, ct);
                    await EachAsync(connection, tx, $"""
                        select {HourSql("created_at")}, feature, {aggregates} from spc_samples
                        where {Tail()} and {Finite} group by 1, feature
                        """, TailArgs(uid, watermark), r =>
                    {
                        var bucket = plan.BucketOfHour(r.GetInt64(0));
                        if (bucket >= 0) Add(bucket, r.GetString(1), Read(r));
                    }, ct);
                }
                if (plan.RawRanges.Count > 0)
                {
                    await EachAsync(connection, tx, $"""
                        select {BucketSql(window, "created_at")}, feature, {aggregates} from spc_samples
                        where uid = @uid and {Ranges(plan, "created_at")} and {Finite} group by 1, feature
                        """, RangeArgs(uid, plan), r => Add(Clamp(r.GetInt64(0), window), r.GetString(1), Read(r)), ct);
                }
            }, ct);
            return 0;
        });
        return [.. stats.OrderBy(kv => kv.Key.Bucket).ThenBy(kv => kv.Key.Feature, StringComparer.Ordinal)
            .Select(kv => new SpcBucketStats(kv.Key.Bucket, kv.Key.Feature, kv.Value.Samples, kv.Value.Values, kv.Value.Sum, kv.Value.Min, kv.Value.Max))];
    }

    /// <summary>
    /// LLM records in the window counted by status, on the record-time or the evaluation-time axis.
    /// Status roll-ups are kept by triggers in every status change's transaction (migration 009), so
    /// they need no watermark: usable hours come from them, the rest from the records.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, long>> LlmStatusCountsAsync(Guid uid, TimeWindow window, LlmStatusAxis axis, CancellationToken ct)
    {
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var axisName = axis == LlmStatusAxis.Created ? "created" : "evaluated";
        var column = axis == LlmStatusAxis.Created ? "created_at" : "evaluated_at";
        await ReadAsync(window, null, async (connection, tx, plan, _) =>
        {
            if (plan.HasHours)
            {
                await EachAsync(connection, tx, "select bucket, status, count from llm_status_hourly where uid = @uid and axis = @axis and bucket >= @h0 and bucket <= @h1",
                    new { uid = db.Id(uid), axis = axisName, h0 = plan.FirstHour, h1 = plan.LastHour }, r =>
                    {
                        if (plan.BucketOfHour(r.GetInt64(0)) >= 0) counts[r.GetString(1)] = counts.GetValueOrDefault(r.GetString(1)) + r.GetInt64(2);
                    }, ct);
            }
            if (plan.RawRanges.Count > 0)
            {
                await EachAsync(connection, tx, $"select status, count(*) from llm_records where uid = @uid and {Ranges(plan, column)} group by status", RangeArgs(uid, plan),
                    r => counts[r.GetString(0)] = counts.GetValueOrDefault(r.GetString(0)) + r.GetInt64(1), ct);
            }
        }, ct);
        foreach (var status in counts.Where(kv => kv.Value == 0).Select(kv => kv.Key).ToList()) counts.Remove(status);
        return counts;
    }

    private async Task<IReadOnlyList<MetricBucket>> MetricsAsync(Guid uid, TimeWindow window, string table, string hourlyTable, string timeColumn, string valueColumn,
        string countSql, CancellationToken ct)
    {
        var sums = new Dictionary<(int Bucket, string Metric), MetricSum>();
        void Add(int bucket, string metric, double sum, double count)
        {
            ref var value = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(sums, (bucket, metric), out _);
            value.Add(sum, count);
        }
        await WindowSums.QueryAsync(async scaled =>
        {
            sums.Clear();
            var aggregates = $"{WindowSums.ValueSum(valueColumn, scaled)}, {countSql}";
            await ReadAsync(window, table, async (connection, tx, plan, mark) =>
            {
                if (mark is { } watermark)
                {
                    await EachAsync(connection, tx, $"select bucket, metric, sum, count from {hourlyTable} where uid = @uid and bucket >= @h0 and bucket <= @h1", HourArgs(uid, plan), r =>
                    {
                        var bucket = plan.BucketOfHour(r.GetInt64(0));
                        if (bucket >= 0) Add(bucket, r.GetString(1), ReadSum(r.GetValue(2)), r.GetDouble(3));
                    }, ct);
                    await EachAsync(connection, tx, $"""
                        select {HourSql(timeColumn)}, metric, {aggregates} from {table}
                        where {Tail()} and {timeColumn} is not null group by 1, metric
                        """, TailArgs(uid, watermark), r =>
                    {
                        var bucket = plan.BucketOfHour(r.GetInt64(0));
                        if (bucket >= 0) Add(bucket, r.GetString(1), WindowSums.ReadValueSum(r.GetValue(2), scaled), DbValues.ReadDouble(r.GetValue(3)));
                    }, ct);
                }
                if (plan.RawRanges.Count > 0)
                {
                    await EachAsync(connection, tx, $"""
                        select {BucketSql(window, timeColumn)}, metric, {aggregates} from {table}
                        where uid = @uid and {Ranges(plan, timeColumn)} group by 1, metric
                        """, RangeArgs(uid, plan), r => Add(Clamp(r.GetInt64(0), window), r.GetString(1), WindowSums.ReadValueSum(r.GetValue(2), scaled), DbValues.ReadDouble(r.GetValue(3))), ct);
                }
            }, ct);
            return 0;
        });
        return [.. sums.OrderBy(kv => kv.Key.Bucket).ThenBy(kv => kv.Key.Metric, StringComparer.Ordinal)
            .Select(kv => new MetricBucket(kv.Key.Bucket, kv.Key.Metric, kv.Value.Sum, kv.Value.Count))];
    }

    /// <summary>
    /// Runs <paramref name="body"/> in one read snapshot with the window's plan and, when roll-ups
    /// are used, the watermark of <paramref name="table"/> (null: no usable hours, or a table without one).
    /// </summary>
    private async Task ReadAsync(TimeWindow window, string? table, Func<DbConnection, DbTransaction, WindowPlan, long?, Task> body, CancellationToken ct)
    {
        var plan = useRollups ? WindowPlan.For(window) : WindowPlan.Raw(window);
        await using var connection = await db.OpenAsync(ct);
        await using var tx = Postgres
            ? await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct)
            : ((SqliteConnection)connection).BeginTransaction(deferred: true);
        long? mark = null;
        if (plan.HasHours && table is not null)
        {
            mark = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "select watermark from rollup_state where name = @name", new { name = Postgres ? "records" : table }, tx, cancellationToken: ct));
        }
        await body(connection, tx, plan, mark);
        await tx.CommitAsync(ct);
    }

    private static async Task EachAsync(DbConnection connection, DbTransaction tx, string sql, object args, Action<DbDataReader> row, CancellationToken ct)
    {
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(sql, args, tx, cancellationToken: ct));
        while (await reader.ReadAsync(ct)) row(reader);
    }

    /// <summary>
    /// A profile's raw rows not yet rolled up: found by (uid, position) alone (PostgreSQL index (uid, xid); SQLite the seq
    /// key, with "+uid" so the planner cannot take the (uid, created_at) index and scan every row of the profile); the
    /// caller keeps those in usable hours. No time condition, so no plan can prefer the time index and scan the window.
    /// </summary>
    private string Tail() => Postgres ? "uid = @uid and xid >= @mark" : "+uid = @uid and seq > @mark";

    private object HourArgs(Guid uid, WindowPlan plan) => new { uid = db.Id(uid), h0 = plan.FirstHour, h1 = plan.LastHour };

    private object TailArgs(Guid uid, long mark) => new { uid = db.Id(uid), mark };

    private DynamicParameters RangeArgs(Guid uid, WindowPlan plan)
    {
        var args = new DynamicParameters();
        args.Add("uid", db.Id(uid));
        for (var i = 0; i < plan.RawRanges.Count; i++)
        {
            args.Add("r" + i.ToString(CultureInfo.InvariantCulture) + "f", db.Time(DbTime.FromMicros(plan.RawRanges[i].From)));
            args.Add("r" + i.ToString(CultureInfo.InvariantCulture) + "t", db.Time(DbTime.FromMicros(plan.RawRanges[i].To)));
        }
        return args;
    }

    private static string Ranges(WindowPlan plan, string column)
    {
        var sql = new StringBuilder("(");
        for (var i = 0; i < plan.RawRanges.Count; i++)
        {
            if (i > 0) sql.Append(" or ");
            sql.Append(CultureInfo.InvariantCulture, $"({column} > @r{i}f and {column} <= @r{i}t)");
        }
        return sql.Append(')').ToString();
    }

    private string HourSql(string column) =>
        string.Create(CultureInfo.InvariantCulture, $"(({db.Micros(column)} - 1) / {RollupGrain.Micros})");

    private string BucketSql(TimeWindow window, string column) =>
        string.Create(CultureInfo.InvariantCulture, $"(({db.Micros(column)} - {DbTime.ToMicros(window.From)} - 1) / {window.BucketMicros})");

    private static int Clamp(long bucket, TimeWindow window) => (int)Math.Clamp(bucket, 0, window.Buckets - 1);

    /// <summary>A roll-up sum; SQLite keeps a NaN sum as null.</summary>
    private static double ReadSum(object value) => value is DBNull ? double.NaN : Convert.ToDouble(value, CultureInfo.InvariantCulture);
}
