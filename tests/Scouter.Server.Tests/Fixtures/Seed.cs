using Dapper;
using Scouter.Server.Storage;

namespace Scouter.Server.Tests.Fixtures;

/// <summary>
/// Inserts profiles and record rows straight into the 001/002 tables, until the profile and record
/// stores are merged. Callers set active, schedule and next_run themselves.
/// </summary>
internal static class Seed
{
    public static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static async Task<Guid> ProfileAsync(ScouterDatabase db, DriftProfile profile, DateTimeOffset? nextRun, bool active = true, string? schedule = null,
        DateTimeOffset? lastCheckedSlot = null, string? timeZone = null)
    {
        var c = profile.Config;
        await using var connection = await db.OpenAsync();
        await connection.ExecuteAsync("""
            insert into profiles (uid, space, name, version, drift_type, profile_json, active, schedule, time_zone, next_run, last_checked_slot, created_at, updated_at)
            values (@uid, @space, @name, @version, @type, @json, @active, @schedule, @tz, @next, @last, @created, @created)
            """, new
        {
            uid = db.Id(c.Uid), space = c.Space, name = c.Name, version = c.Version, type = Scouter.Server.Jobs.DriftCheckEngine.DriftTypeName(profile), json = profile.ToJson(),
            active = db.Dialect == SqlDialect.Postgres ? (object)active : active ? 1 : 0,
            schedule = schedule ?? c.Alerts.Schedule, tz = timeZone ?? c.Alerts.TimeZone, next = db.Time(nextRun), last = db.Time(lastCheckedSlot), created = db.Time(T0),
        });
        return c.Uid;
    }

    public static async Task CustomAsync(ScouterDatabase db, Guid uid, string metric, DateTimeOffset at, double sum, long count)
    {
        await using var connection = await db.OpenAsync();
        await connection.ExecuteAsync("insert into custom_values (uid, metric, created_at, sum, count) values (@uid, @metric, @at, @sum, @count)",
            new { uid = db.Id(uid), metric, at = db.Time(at), sum, count });
    }

    public static async Task PsiAsync(ScouterDatabase db, Guid uid, string feature, DateTimeOffset at, IReadOnlyDictionary<int, long> counts)
    {
        await using var connection = await db.OpenAsync();
        if (db.Dialect == SqlDialect.Postgres)
        {
            // PostgreSQL keeps one row per record with parallel bin id / count arrays.
            await connection.ExecuteAsync("insert into psi_counts (uid, feature, created_at, bin_ids, counts) values (@uid, @feature, @at, @bins, @counts)",
                new { uid = db.Id(uid), feature, at = db.Time(at), bins = counts.Keys.ToArray(), counts = counts.Values.ToArray() });
            return;
        }
        foreach (var (bin, count) in counts)
        {
            await connection.ExecuteAsync("insert into psi_counts (uid, feature, bin_id, created_at, count) values (@uid, @feature, @bin, @at, @count)",
                new { uid = db.Id(uid), feature, bin, at = db.Time(at), count });
        }
    }

    public static async Task SpcAsync(ScouterDatabase db, Guid uid, string feature, DateTimeOffset at, double mean, long count = 25)
    {
        await using var connection = await db.OpenAsync();
        await connection.ExecuteAsync("insert into spc_samples (uid, feature, created_at, mean, count) values (@uid, @feature, @at, @mean, @count)",
            new { uid = db.Id(uid), feature, at = db.Time(at), mean, count });
    }

    /// <summary>Many SPC samples of one feature in one transaction.</summary>
    public static async Task SpcManyAsync(ScouterDatabase db, Guid uid, string feature, IEnumerable<(DateTimeOffset At, double Mean)> samples)
    {
        await using var connection = await db.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync("insert into spc_samples (uid, feature, created_at, mean, count) values (@uid, @feature, @at, @mean, 25)",
            samples.Select(s => new { uid = db.Id(uid), feature, at = db.Time(s.At), mean = s.Mean }), tx);
        await tx.CommitAsync();
    }

    /// <summary>
    /// LLM records of <paramref name="uid"/> created at <paramref name="at"/> in <paramref name="status"/>
    /// (failed and done ones with 3 attempts spent), with a fixed payload; returns their ids.
    /// </summary>
    public static async Task<Guid[]> LlmRecordsAsync(ScouterDatabase db, Guid uid, DateTimeOffset at, string status, int count = 1, string? error = null,
        string payload = LlmPayload, DateTimeOffset? evaluatedAt = null)
    {
        var ids = Enumerable.Range(0, count).Select(_ => Guid.CreateVersion7()).ToArray();
        await using var connection = await db.OpenAsync();
        await connection.ExecuteAsync("insert into llm_records (id, uid, created_at, payload, status, attempts, error, evaluated_at) values (@id, @uid, @at, @payload, @status, @attempts, @error, @evaluated)",
            ids.Select(id => new { id = db.Id(id), uid = db.Id(uid), at = db.Time(at), payload, status, attempts = status == "pending" ? 0 : 3, error, evaluated = db.Time(evaluatedAt) }));
        return ids;
    }

    /// <summary>The payload of <see cref="LlmRecordsAsync"/>.</summary>
    public const string LlmPayload = "{\"input\":\"what is 2+2?\",\"response\":\"4\"}";

    /// <summary>A score of a record created at <paramref name="at"/>, judged at <paramref name="evaluatedAt"/> (default: the same time).</summary>
    public static async Task LlmScoreAsync(ScouterDatabase db, Guid uid, string metric, DateTimeOffset at, double score, DateTimeOffset? evaluatedAt = null)
    {
        await using var connection = await db.OpenAsync();
        await connection.ExecuteAsync("insert into llm_scores (uid, metric, record_id, created_at, evaluated_at, score) values (@uid, @metric, @rid, @at, @evaluated, @score)",
            new { uid = db.Id(uid), metric, rid = db.Id(Guid.NewGuid()), at = db.Time(at), evaluated = db.Time(evaluatedAt ?? at), score });
    }

    /// <summary>
    /// An alert created (and last updated) at <paramref name="at"/>: a resolved one was resolved 5 minutes
    /// later, an acknowledged one acknowledged by "alice" a minute later. Returns its id.
    /// </summary>
    public static async Task<long> AlertAsync(ScouterDatabase db, Guid uid, string space, string subject, string kind, int? zone, string severity, string status,
        DateTimeOffset at)
    {
        await using var connection = await db.OpenAsync();
        return DbValues.ReadLong(await connection.ExecuteScalarAsync<object>("""
            insert into alerts (uid, space, feature_or_metric, kind, zone, severity, status, created_at, updated_at, resolved_at, payload_json, notify_attempts,
                                acknowledged_by, acknowledged_at)
            values (@uid, @space, @subject, @kind, @zone, @severity, @status, @at, @at, @resolved, '{}', 0, @by, @ackAt)
            returning id
            """, new
        {
            uid = db.Id(uid), space, subject, kind, zone, severity, status, at = db.Time(at),
            resolved = status == "resolved" ? db.Time(at.AddMinutes(5)) : null,
            by = status == "acknowledged" ? "alice" : null,
            ackAt = status == "acknowledged" ? db.Time(at.AddMinutes(1)) : null,
        }));
    }

    public static async Task<long> CountAsync(ScouterDatabase db, string sql, object? args = null)
    {
        await using var connection = await db.OpenAsync();
        return DbValues.ReadLong(await connection.ExecuteScalarAsync<object>(sql, args));
    }

    public static async Task<(DateTimeOffset? LastCheckedSlot, DateTimeOffset? NextRun, string? LeaseOwner)> ScheduleStateAsync(ScouterDatabase db, Guid uid)
    {
        await using var connection = await db.OpenAsync();
        await using var reader = await connection.ExecuteReaderAsync("select last_checked_slot, next_run, lease_owner from profiles where uid = @uid", new { uid = db.Id(uid) });
        await reader.ReadAsync();
        return (DbValues.ReadNullableTime(reader.GetValue(0)), DbValues.ReadNullableTime(reader.GetValue(1)), DbValues.ReadNullableString(reader.GetValue(2)));
    }

    // Profiles used across the jobs tests.

    public static CustomDriftProfile Custom(string name, string schedule = "*/5 * * * * *", IReadOnlyList<DispatchConfig>? dispatch = null, double baseline = 10,
        AlertThreshold condition = AlertThreshold.Below, double? delta = null, TimeSpan? repeat = null, string space = "team") =>
        new(new CustomMetricDriftConfig
        {
            Space = space,
            Name = name,
            AlertConfig = new CustomMetricAlertConfig { Schedule = schedule, Dispatch = dispatch ?? [new ConsoleDispatchConfig()], RepeatInterval = repeat ?? TimeSpan.FromHours(24) },
        }, [new CustomMetric("accuracy", baseline, condition, delta)]);

    /// <summary>One numeric feature "x" with 4 bins of 0.25 (edges 1, 2, 3), no missing values in the baseline.</summary>
    public static PsiDriftProfile Psi(string name, PsiThreshold threshold, string schedule = "*/5 * * * * *") =>
        new(new PsiDriftConfig { Space = "team", Name = name, AlertConfig = new PsiAlertConfig { Schedule = schedule, Threshold = threshold } },
            new Dictionary<string, PsiFeatureProfile> { ["x"] = new(FeatureKind.Numeric, [1.0, 2.0, 3.0], null, [0.25, 0.25, 0.25, 0.25], 0, 100, 0) });

    public static SpcDriftProfile Spc(string name, string schedule = "*/5 * * * * *") =>
        new(new SpcDriftConfig { Space = "team", Name = name, AlertConfig = new SpcAlertConfig { Schedule = schedule, TrendLength = 0 } },
            new Dictionary<string, SpcFeatureProfile> { ["x"] = new(10, 1, 10, 0) });

    public static LlmDriftProfile Llm(string name, string schedule = "*/5 * * * * *", int? minCount = null, IReadOnlyList<AssertionMetric>? assertions = null) =>
        new(new LlmDriftConfig { Space = "team", Name = name, AlertConfig = new LlmAlertConfig { Schedule = schedule } },
            [new LlmMetric("relevance", 4, "Rate ${response} for ${input}", AlertThreshold.Below, minCount: minCount)], assertions);
}
