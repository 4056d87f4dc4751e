using Scouter.Data;
using Spectre.Console;

namespace Scouter.Cli.Commands;

/// <summary>Runs a job with a progress bar on stderr when it is a terminal, silently otherwise.</summary>
internal sealed class ProgressDisplay
{
    private readonly CliContext _context;

    public ProgressDisplay(CliContext context) => _context = context;

    public async Task<T> RunAsync<T>(Func<IProgress<TableReadProgress>?, IProgress<FeatureProgress>?, Task<T>> job)
    {
        if (!_context.Interactive) return await job(null, null);

        T result = default!;
        await _context.ErrorConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async ctx =>
            {
                var reading = ctx.AddTask("read input", maxValue: 1);
                var features = ctx.AddTask("features", autoStart: false, maxValue: 1);
                var readProgress = new Progress<TableReadProgress>(p =>
                {
                    reading.Description = $"{p.Phase} input";
                    reading.MaxValue = Math.Max(1, p.TotalBytes);
                    reading.Value = p.BytesRead;
                });
                var featureProgress = new Progress<FeatureProgress>(p =>
                {
                    reading.Value = reading.MaxValue;
                    reading.StopTask();
                    features.StartTask();
                    features.MaxValue = p.Total;
                    features.Value = p.Completed;
                });
                result = await job(readProgress, featureProgress);
            });
        return result;
    }
}
