namespace Scouter;

/// <summary>When a profile's drift check runs and where its alerts go. Shared by all drift types.</summary>
public abstract record AlertConfig
{
    /// <summary>Cron schedule of the drift check (5 or 6 fields; default <see cref="CommonCrons.EveryDay"/>). Validated when set.</summary>
    public string Schedule
    {
        get;
        init
        {
            CommonCrons.Parse(value, "alert_config.schedule");
            field = value;
        }
    } = CommonCrons.EveryDay;

    /// <summary>IANA time zone the schedule is read in; null means UTC.</summary>
    public string? TimeZone
    {
        get;
        init
        {
            if (value is not null && !TimeZoneInfo.TryFindSystemTimeZoneById(value, out _))
                throw new ScouterConfigException("alert_config.time_zone", value, "unknown IANA time zone");
            field = value;
        }
    }

    /// <summary>Alert channels (default: console). Several are allowed.</summary>
    public IReadOnlyList<DispatchConfig> Dispatch
    {
        get;
        init
        {
            Guard.NotNull("alert_config.dispatch", value);
            for (var i = 0; i < value.Count; i++)
            {
                if (value[i] is null) throw new ScouterConfigException($"alert_config.dispatch[{i}]", null, "is required");
            }
            field = value;
        }
    } = [new ConsoleDispatchConfig()];

    /// <summary>How long a still-firing alert waits before it is sent again (default 24 h, must be positive).</summary>
    public TimeSpan RepeatInterval
    {
        get;
        init => field = value > TimeSpan.Zero ? value : throw new ScouterConfigException("alert_config.repeat_interval", value, "must be positive");
    } = TimeSpan.FromHours(24);
}

/// <summary>PSI alerting: schedule, channels and the threshold rule.</summary>
public sealed record PsiAlertConfig : AlertConfig
{
    /// <summary>The threshold rule (default chi-square, alpha 0.05, min_psi 0.1).</summary>
    public PsiThreshold Threshold
    {
        get;
        init => field = Guard.NotNull("alert_config.threshold", value);
    } = new();
}

/// <summary>SPC alerting: schedule, channels and the rule set.</summary>
public sealed record SpcAlertConfig : AlertConfig
{
    /// <summary>Eight counts "c1 a1 c2 a2 c3 a3 c4 a4" (default "8 16 4 8 2 4 1 1").</summary>
    public string Rule
    {
        get;
        init
        {
            Drift.SpcRule.Parse(value);
            field = value;
        }
    } = Drift.SpcRule.DefaultText;

    /// <summary>Zones 1-4 whose rules are evaluated (default all four).</summary>
    public IReadOnlyList<int> ZonesToMonitor
    {
        get;
        init
        {
            Guard.NotNull("alert_config.zones_to_monitor", value);
            if (value.Any(z => z is < 1 or > 4) || value.Distinct().Count() != value.Count)
                throw new ScouterConfigException("alert_config.zones_to_monitor", string.Join(',', value), "zones must be distinct values from 1 to 4");
            field = value;
        }
    } = [1, 2, 3, 4];

    /// <summary>Length of a strictly monotone run that alerts as a trend (default 7; 0 disables; otherwise at least 2).</summary>
    public int TrendLength
    {
        get;
        init => field = value == 0 || value >= 2 ? value : throw new ScouterConfigException("alert_config.trend_length", value, "must be 0 (disabled) or >= 2");
    } = 7;

    /// <summary>The parsed rule.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    internal Drift.SpcRule ParsedRule => Drift.SpcRule.Parse(Rule);
}

/// <summary>Custom-metric alerting: schedule and channels (conditions live on each metric).</summary>
public sealed record CustomMetricAlertConfig : AlertConfig;

/// <summary>LLM-metric alerting: schedule and channels (conditions live on each metric).</summary>
public sealed record LlmAlertConfig : AlertConfig;
