using System.Globalization;

namespace Scouter.VolumeBench;

/// <summary>The harness's command line.</summary>
internal sealed record VolumeSettings
{
    /// <summary>A yearly schedule: the first check reads one period (a year) back, so it covers every seeded day.</summary>
    public const string YearlySchedule = "0 0 0 1 1 *";

    public int Days { get; init; } = 30;

    public int Features { get; init; } = 50;

    public int Metrics { get; init; } = 3;

    public IReadOnlyList<int> Replicas { get; init; } = [4, 16];

    public int Buckets { get; init; } = 720;

    public int Repeat { get; init; } = 5;

    public bool Align { get; init; }

    public bool Sqlite { get; init; }

    public string? DatabaseUri { get; init; }

    public string PostgresAdminUri { get; init; } = "postgresql://scouter:scouter@127.0.0.1:55432/postgres";

    public int Parallel { get; init; } = 4;

    public string Schedule { get; init; } = YearlySchedule;

    public static VolumeSettings Parse(string[] args)
    {
        string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        int Int(string name, int fallback, int min) =>
            Option(name) is { } text
                ? int.Parse(text, CultureInfo.InvariantCulture) is var value && value >= min ? value : throw new ArgumentException($"{name} must be at least {min}.")
                : fallback;
        var defaults = new VolumeSettings();
        return new VolumeSettings
        {
            Days = Int("--days", defaults.Days, 1),
            Features = Int("--features", defaults.Features, 1),
            Metrics = Int("--metrics", defaults.Metrics, 1),
            Replicas = Option("--replicas") is { } list ? [.. list.Split(',').Select(r => int.Parse(r, CultureInfo.InvariantCulture))] : defaults.Replicas,
            Buckets = Int("--buckets", defaults.Buckets, 1),
            Repeat = Int("--repeat", defaults.Repeat, 1),
            Align = args.Contains("--align"),
            Sqlite = args.Contains("--sqlite"),
            DatabaseUri = Option("--database-uri"),
            PostgresAdminUri = Option("--postgres") ?? defaults.PostgresAdminUri,
            Parallel = Int("--parallel", defaults.Parallel, 1),
            Schedule = Option("--schedule") ?? defaults.Schedule,
        };
    }

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"volume: {Days} days hourly x {Features} PSI features + {Metrics} custom metrics, replicas {string.Join(",", Replicas)}; " +
        $"/drift buckets {Buckets}{(Align ? ", align=true" : "")}; {Repeat} timed runs after one cold run; {Parallel} batches in flight; " +
        $"store {(Sqlite ? "SQLite" : DatabaseUri is null ? "PostgreSQL (a fresh database per R)" : "PostgreSQL at --database-uri (shared by every R)")}; " +
        $"check schedule '{Schedule}'; {Environment.ProcessorCount} cores");
}
