using Cronos;

namespace Scouter;

/// <summary>Cron presets for drift-check schedules (6-field, with seconds; UTC unless a time zone is set).</summary>
public static class CommonCrons
{
    /// <summary>At second 0 of every minute.</summary>
    public const string Every1Minute = "0 * * * * *";
    /// <summary>Every 5 minutes.</summary>
    public const string Every5Minutes = "0 */5 * * * *";
    /// <summary>Every 15 minutes.</summary>
    public const string Every15Minutes = "0 */15 * * * *";
    /// <summary>Every 30 minutes.</summary>
    public const string Every30Minutes = "0 */30 * * * *";
    /// <summary>At the top of every hour.</summary>
    public const string EveryHour = "0 0 * * * *";
    /// <summary>Every 6 hours.</summary>
    public const string Every6Hours = "0 0 */6 * * *";
    /// <summary>Every 12 hours.</summary>
    public const string Every12Hours = "0 0 */12 * * *";
    /// <summary>Daily at midnight (the default schedule).</summary>
    public const string EveryDay = "0 0 0 * * *";
    /// <summary>Sundays at midnight.</summary>
    public const string EveryWeek = "0 0 0 * * SUN";

    /// <summary>
    /// Parses a 6-field (with seconds) or standard 5-field cron expression; anything else throws
    /// a <see cref="ScouterConfigException"/> naming <paramref name="field"/>.
    /// </summary>
    public static CronExpression Parse(string? expression, string field = "schedule")
    {
        if (string.IsNullOrWhiteSpace(expression))
            throw new ScouterConfigException(field, expression, "a cron expression is required");
        var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        var format = fields switch
        {
            6 => CronFormat.IncludeSeconds,
            5 => CronFormat.Standard,
            _ => throw new ScouterConfigException(field, expression, "a cron expression has 5 fields, or 6 with seconds first"),
        };
        try
        {
            return CronExpression.Parse(expression, format);
        }
        catch (CronFormatException ex)
        {
            throw new ScouterConfigException(field, expression, ex.Message);
        }
    }
}
