using System.Globalization;

namespace Scouter.VolumeBench;

/// <summary>One timed call: its first (cold) run, then the median and fastest of the repeated runs.</summary>
internal sealed record Timing(double ColdMs, double MedianMs, double MinMs)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"median {MedianMs:F0} ms, min {MinMs:F0} ms (cold {ColdMs:F0} ms)");
}

/// <summary>The figures of one replica count.</summary>
internal sealed record VolumeResult(int Replicas, long Records, long Rows, TimeSpan Ingest, int Buckets, Timing Psi, Timing Custom, Timing Check);

/// <summary>The final table, with the ratio of the largest replica count's figures to the smallest's.</summary>
internal static class VolumeReport
{
    public static void Print(VolumeSettings settings, IReadOnlyList<VolumeResult> results)
    {
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{settings.Days} days x {settings.Features} features (+{settings.Metrics} custom metrics); query and check: median of {settings.Repeat} (cold run in parentheses)"));
        Console.WriteLine($"{"R",4} {"records",10} {"rows",10} {"ingest s",9} {"rec/s",8} {"rows/s",8} {"buckets",7} {"PSI query ms",16} {"custom query ms",16} {"check ms",16}");
        foreach (var r in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Replicas,4} {r.Records,10:N0} {r.Rows,10:N0} {r.Ingest.TotalSeconds,9:F1} {r.Records / r.Ingest.TotalSeconds,8:N0} {r.Rows / r.Ingest.TotalSeconds,8:N0} {r.Buckets,7} {Cell(r.Psi),16} {Cell(r.Custom),16} {Cell(r.Check),16}"));
        }
        if (results.Count < 2) return;
        var (low, high) = (results.MinBy(r => r.Replicas)!, results.MaxBy(r => r.Replicas)!);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"x",4} {$"R={high.Replicas}/R={low.Replicas}",10} {(double)high.Rows / low.Rows,10:F2} {high.Ingest / low.Ingest,9:F2} {Ratio(low.Records / low.Ingest.TotalSeconds, high.Records / high.Ingest.TotalSeconds),8} {"",8} {"",7} {Ratio(low.Psi.MedianMs, high.Psi.MedianMs),16} {Ratio(low.Custom.MedianMs, high.Custom.MedianMs),16} {Ratio(low.Check.MedianMs, high.Check.MedianMs),16}"));
    }

    private static string Cell(Timing t) => string.Create(CultureInfo.InvariantCulture, $"{t.MedianMs:F0} ({t.ColdMs:F0})");

    private static string Ratio(double low, double high) => string.Create(CultureInfo.InvariantCulture, $"x{high / low:F2}");
}
