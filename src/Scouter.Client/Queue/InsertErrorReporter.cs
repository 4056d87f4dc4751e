using Microsoft.Extensions.Logging;

namespace Scouter.Client;

/// <summary>
/// Counts the data errors of one profile queue in <see cref="ScouterQueueStatistics.Errors"/> and
/// logs each kind at most once per <see cref="LogThrottle.Interval"/>, with the count since the
/// previous line. The detail text is built only when a line is written, so a repeated error costs
/// a counter increment. Thread-safe (producer threads and the worker report).
/// </summary>
internal sealed class InsertErrorReporter
{
    private readonly QueueStats _stats;
    private readonly ILogger _logger;
    private readonly LogThrottle[] _throttles;

    public InsertErrorReporter(string alias, QueueStats stats, ILogger logger, TimeProvider time)
    {
        Alias = alias;
        _stats = stats;
        _logger = logger;
        _throttles = [.. QueueStats.ErrorNames.Select(_ => new LogThrottle(time))];
    }

    public string Alias { get; }

    public void Report(InsertError kind, string detail) => Report(kind, detail, static d => d);

    public void Report<TState>(InsertError kind, TState state, Func<TState, string> describe)
    {
        _stats.AddError(kind);
        if (_throttles[(int)kind].Hit(out var count)) Log.InsertRejected(_logger, Alias, QueueStats.ErrorNames[(int)kind], describe(state), count);
    }

    /// <summary>At most the first <paramref name="max"/> names, quoted, with "…" when there are more.</summary>
    public static string Some(IEnumerable<string> names, int max = 10)
    {
        var shown = names.Take(max + 1).ToList();
        var text = string.Join(", ", shown.Take(max).Select(n => "'" + n + "'"));
        return shown.Count > max ? text + ", …" : text;
    }
}
