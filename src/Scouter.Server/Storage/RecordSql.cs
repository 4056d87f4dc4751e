namespace Scouter.Server.Storage;

/// <summary>SQL fragments that differ between the dialects' record layouts.</summary>
internal static class RecordSql
{
    /// <summary>The raw record tables (partitioned by day on PostgreSQL).</summary>
    public static readonly string[] RecordTables = ["psi_counts", "spc_samples", "custom_values", "llm_records", "llm_scores"];

    /// <summary>
    /// A relation with columns (uid, feature, bin_id, created_at, count and the roll-up position: xid on PostgreSQL, seq on SQLite), one row per bin: the
    /// <c>psi_counts</c> table on SQLite, its expanded arrays on PostgreSQL (one row per record there).
    /// Use as <c>from {PsiRows(dialect)} where ...</c>.
    /// </summary>
    public static string PsiRows(SqlDialect dialect) => dialect == SqlDialect.Postgres
        ? "(select p.uid, p.feature, b.bin_id, p.created_at, b.count, p.xid from psi_counts p cross join lateral unnest(p.bin_ids, p.counts) as b(bin_id, count)) psi_rows"
        : "psi_counts psi_rows";
}
