using System.Globalization;
using Npgsql;

namespace Scouter.Server.Storage;

/// <summary>
/// The overflow rule of every read that sums records (drift queries and checks), so that no stored
/// data — also rows written before the record bounds existed, or outside the ingestion — can make a
/// read fail:
/// <list type="bullet">
/// <item>Counts are summed in double precision (SQLite <c>total()</c>, PostgreSQL <c>sum()::float8</c>):
/// exact up to 2^53, never an integer overflow. A count reported as an integer (N, n, counts)
/// saturates at <see cref="MaxCount"/> = 2^53.</item>
/// <item>PSI bins whose total exceeds 2^53 are scaled down in proportion (<see cref="Fit"/>), so the
/// observed proportions and the PSI are those of the data and N reads 2^53.</item>
/// <item>Value sums (custom sums, LLM scores) are double sums; when they leave the double range the
/// sum is ±infinity (PostgreSQL, which raises on float overflow, is asked again with the values
/// scaled down by 2^-900 and the sum scaled back up, see <see cref="QueryAsync{T}"/>). A mean that is
/// not finite is "not evaluated" for checks and null in drift queries.</item>
/// </list>
/// </summary>
internal static class WindowSums
{
    /// <summary>Largest integer count reported (2^53, the largest integer a double holds exactly).</summary>
    public const long MaxCount = 1L << 53;

    private const int ScaleExponent = 900;

    /// <summary>SQL for the sum of the integer column <paramref name="column"/> as a double.</summary>
    public static string CountSum(SqlDialect dialect, string column) =>
        dialect == SqlDialect.Sqlite ? $"total({column})" : $"sum({column})::float8";

    /// <summary>
    /// SQL for the sum of the double column <paramref name="column"/>; <paramref name="scaled"/> sums
    /// the values times 2^-900 (exact for every value above 2^-122 in magnitude), to be read back
    /// with <see cref="ReadValueSum"/>.
    /// </summary>
    public static string ValueSum(string column, bool scaled) => scaled
        ? string.Create(CultureInfo.InvariantCulture, $"sum({column} * cast('{Math.ScaleB(1.0, -ScaleExponent):R}' as double precision))")
        : $"sum({column})";

    /// <summary>
    /// Reads a value sum written by <see cref="ValueSum"/> over a non-empty group. SQL null means NaN
    /// there (SQLite turns a NaN result, e.g. +inf + -inf, into null; the summed columns are not null).
    /// </summary>
    public static double ReadValueSum(object? value, bool scaled)
    {
        if (value is null or DBNull) return double.NaN;
        var sum = DbValues.ReadDouble(value);
        return scaled ? Math.ScaleB(sum, ScaleExponent) : sum;
    }

    /// <summary>
    /// Runs <paramref name="query"/> with unscaled value sums; when PostgreSQL refuses it because a
    /// double sum overflowed (SQLSTATE 22003), runs it again with scaled sums.
    /// </summary>
    public static async Task<T> QueryAsync<T>(Func<bool, Task<T>> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        try
        {
            return await query(false);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.NumericValueOutOfRange)
        {
            return await query(true);
        }
    }

    /// <summary>A summed count as an integer: rounded down, saturated to <c>[-2^53, 2^53]</c>; NaN reads as 0.</summary>
    public static long Saturate(double count) =>
        double.IsNaN(count) ? 0 : (long)Math.Floor(Math.Clamp(count, -MaxCount, MaxCount));

    /// <summary>
    /// A feature's summed bin counts as integers whose positive total is at most 2^53: unchanged
    /// (exactly) when their total is at most 2^53, otherwise each scaled by 2^53 / total and rounded
    /// down, which keeps the proportions.
    /// </summary>
    public static Dictionary<int, long> Fit(IEnumerable<KeyValuePair<int, double>> bins)
    {
        ArgumentNullException.ThrowIfNull(bins);
        var list = bins as IReadOnlyCollection<KeyValuePair<int, double>> ?? [.. bins];
        var total = 0.0;
        foreach (var (_, count) in list)
        {
            if (count > 0) total += count;
        }
        var scale = total > MaxCount ? MaxCount / total : 1.0;
        var result = new Dictionary<int, long>(list.Count);
        foreach (var (bin, count) in list) result[bin] = Saturate(count * scale);
        return result;
    }

    /// <summary>The total of <see cref="Fit"/>ted counts, saturated like <see cref="Saturate"/>.</summary>
    public static long Total(IReadOnlyDictionary<int, long> fitted)
    {
        ArgumentNullException.ThrowIfNull(fitted);
        Int128 total = 0;
        foreach (var count in fitted.Values) total += count;
        return (long)Int128.Clamp(total, -MaxCount, MaxCount);
    }
}
