// Simulation of the SPC alert decision (docs/spc-alerts.md), not a test: windows of i.i.d. normal
// sample means with the default rules ("8 16 4 8 2 4 1 1", all zones, trend 7).
//   1. In-distribution windows of 25 to 5 000 samples: how often the rules as configured fire, and
//      how often the calibrated decision alerts (target: at most the false-alarm rate), with 95 %
//      Wilson intervals.
//   2. Windows whose second half is shifted by 0.5, 1 and 2 sigma (limit units): detection rate of
//      the decision, and its delay (samples after the shift until the first calibrated rule fires).
// Usage: dotnet run -c Release --project bench/spc-calibration [-- --trials 2000 --scale sample_mean|observation --sample-size 25 --alpha 0.01 --seed 1]
using System.Globalization;
using Scouter;
using Scouter.Drift;

var trials = Arg("--trials", 2000);
var sampleSize = Arg("--sample-size", 25);
var seed = Arg("--seed", 1);
var alpha = double.Parse(Text("--alpha") ?? "0.01", CultureInfo.InvariantCulture);
var scales = Text("--scale") is { } only
    ? [only == "observation" ? SpcLimitScale.Observation : SpcLimitScale.SampleMean]
    : new[] { SpcLimitScale.SampleMean, SpcLimitScale.Observation };
int[] zones = [1, 2, 3, 4];
const int Trend = 7;
var random = new Random(seed);

Console.WriteLine(FormattableString.Invariant($"SPC alert decision: default rules, trend {Trend}, alpha {alpha}, {trials} windows per row, seed {seed}"));
foreach (var scale in scales)
{
    // A sample mean of sampleSize values has sd 1/sqrt(sampleSize) in limit units on the observation scale, 1 on the sample-mean scale.
    var spread = scale == SpcLimitScale.SampleMean ? 1.0 : 1.0 / Math.Sqrt(sampleSize);
    Console.WriteLine();
    Console.WriteLine(FormattableString.Invariant($"== scale {(scale == SpcLimitScale.SampleMean ? "sample_mean" : "observation")} (sample means: sd {spread:0.###} limit units)"));
    Console.WriteLine("in-distribution windows: false-alarm rate per feature and check");
    Console.WriteLine("  samples   raw rules (95% CI)            decision (95% CI)             calibrated rule        trend  bound");
    foreach (var n in new[] { 25, 100, 200, 500, 1000, 2000, 5000 })
    {
        var calibration = SpcAlertCalibration.For(SpcRule.Default, zones, Trend, scale, sampleSize, n, alpha);
        int raw = 0, decided = 0;
        var means = new double[n];
        for (var t = 0; t < trials; t++)
        {
            Fill(means, 0, n, 0, spread);
            if (Fires(means, SpcRule.Default, Trend) >= 0) raw++;
            if (Fires(means, calibration.Rule, calibration.TrendLength) >= 0) decided++;
        }
        Console.WriteLine(FormattableString.Invariant(
            $"  {n,7}   {Rate(raw, trials),-29} {Rate(decided, trials),-29} \"{calibration.Rule}\"  {calibration.TrendLength,5}  {calibration.Bound:0.0000}"));
    }

    Console.WriteLine("shifted windows: the second half moved by delta limit units; decision detection rate and delay (samples after the shift)");
    Console.WriteLine("  samples  delta   detected (95% CI)             delay median  delay p90");
    foreach (var n in new[] { 200, 1000 })
    {
        var calibration = SpcAlertCalibration.For(SpcRule.Default, zones, Trend, scale, sampleSize, n, alpha);
        foreach (var delta in new[] { 0.5, 1.0, 2.0 })
        {
            var delays = new List<int>();
            var means = new double[n];
            for (var t = 0; t < trials; t++)
            {
                Fill(means, 0, n / 2, 0, spread);
                Fill(means, n / 2, n, delta, spread);
                var first = FiresAfter(means, calibration.Rule, calibration.TrendLength, n / 2);
                if (first >= 0) delays.Add(first - (n / 2) + 1);
            }
            delays.Sort();
            Console.WriteLine(FormattableString.Invariant(
                $"  {n,7}  {delta,5:0.0}   {Rate(delays.Count, trials),-29} {(delays.Count > 0 ? delays[delays.Count / 2].ToString(CultureInfo.InvariantCulture) : "-"),12}  {(delays.Count > 0 ? delays[(int)(delays.Count * 0.9)].ToString(CultureInfo.InvariantCulture) : "-"),9}"));
        }
    }
}

void Fill(double[] means, int from, int to, double shift, double sd)
{
    for (var i = from; i < to; i++)
    {
        // Box-Muller.
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        means[i] = shift + (sd * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
    }
}

// Index of the sample that completed the first run of any rule, or -1.
int Fires(double[] means, SpcRule rule, int trend) => FiresAfter(means, rule, trend, 0);

// Index of the sample that completed the first run ending at or after `from`, or -1.
int FiresAfter(double[] means, SpcRule rule, int trend, int from)
{
    var scanner = new SpcRuleScanner<int>(0, 1, rule, zones, trend);
    for (var i = 0; i < means.Length; i++)
    {
        scanner.Add(means[i], i);
        if (i >= from && scanner.Hits.Length > 0) return i;
    }
    return -1;
}

static string Rate(int hits, int total)
{
    // Wilson score interval.
    const double Z = 1.959963984540054;
    var p = (double)hits / total;
    var center = (p + (Z * Z / (2 * total))) / (1 + (Z * Z / total));
    var half = Z * Math.Sqrt((p * (1 - p) / total) + (Z * Z / (4.0 * total * total))) / (1 + (Z * Z / total));
    return FormattableString.Invariant($"{p:0.0000} ({Math.Max(0, center - half):0.0000}-{Math.Min(1, center + half):0.0000})");
}

int Arg(string name, int fallback) => Text(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

string? Text(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
