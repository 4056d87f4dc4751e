using MathNet.Numerics;

namespace Scouter.Drift;

/// <summary>SPC baseline and zone codes (spec/drift-math.md 2.1-2.2).</summary>
internal static class Spc
{
    /// <summary>
    /// The bias-correction constant <c>c4(n) = sqrt(2/(n-1))·Γ(n/2)/Γ((n-1)/2)</c>, exact (via
    /// log-gamma, so large n does not overflow); <c>E[s] = c4(n)·σ</c> for normal samples of size n.
    /// </summary>
    /// <param name="n">Sample size, at least 2.</param>
    public static double C4(int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 2);
        return Math.Sqrt(2.0 / (n - 1)) * Math.Exp(SpecialFunctions.GammaLn(n / 2.0) - SpecialFunctions.GammaLn((n - 1) / 2.0));
    }

    /// <summary>
    /// The baseline of one feature: the present values, in row order, are cut into consecutive
    /// chunks of <paramref name="sampleSize"/> (a trailing partial chunk is ignored).
    /// <c>Center</c> is the mean of the chunk means, <c>SigmaHat</c> the mean chunk standard
    /// deviation (ddof 1) divided by <see cref="C4"/>, <c>Samples</c> the number of chunks.
    /// </summary>
    /// <param name="presentValues">The feature's present (finite) values in row order.</param>
    /// <param name="sampleSize">Chunk size n, at least 2.</param>
    /// <exception cref="ArgumentException">Fewer than <paramref name="sampleSize"/> values.</exception>
    public static (double Center, double SigmaHat, int Samples) Baseline(ReadOnlySpan<double> presentValues, int sampleSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleSize, 2);
        var samples = presentValues.Length / sampleSize;
        if (samples == 0)
            throw new ArgumentException($"SPC needs at least one full sample of {sampleSize} present values; got {presentValues.Length}.", nameof(presentValues));

        double sumOfMeans = 0, sumOfStds = 0;
        for (var s = 0; s < samples; s++)
        {
            var chunk = presentValues.Slice(s * sampleSize, sampleSize);
            var mean = Mean(chunk);
            // Two-pass variance: exact enough for values far from zero, unlike Σx² - n·mean².
            var squares = 0.0;
            foreach (var v in chunk)
            {
                var d = v - mean;
                squares += d * d;
            }
            sumOfMeans += mean;
            sumOfStds += Math.Sqrt(squares / (sampleSize - 1));
        }
        return (sumOfMeans / samples, sumOfStds / samples / C4(sampleSize), samples);
    }

    /// <summary>
    /// The limit scale <c>s</c> stored in the profile: <paramref name="sigmaHat"/> for
    /// <see cref="SpcLimitScale.Observation"/>, <c>sigmaHat/sqrt(n)</c> for <see cref="SpcLimitScale.SampleMean"/>.
    /// </summary>
    public static double LimitSigma(double sigmaHat, SpcLimitScale scale, int sampleSize) => scale switch
    {
        SpcLimitScale.Observation => sigmaHat,
        SpcLimitScale.SampleMean => sigmaHat / Math.Sqrt(sampleSize),
        _ => throw new ArgumentOutOfRangeException(nameof(scale), scale, "Unknown SPC limit scale."),
    };

    /// <summary>
    /// Zone code of a sample mean: with <c>z = (value - center)/s</c>, 0 when <c>z == 0</c>,
    /// ±1 for <c>0 &lt; |z| &lt; 1</c>, ±2 for <c>1 &lt;= |z| &lt; 2</c>, ±3 for <c>2 &lt;= |z| &lt;= 3</c>,
    /// ±4 beyond, signed like z. With <c>s == 0</c> any value off the center is ±4.
    /// </summary>
    /// <param name="value">The sample mean; must not be NaN.</param>
    /// <param name="center">Baseline center.</param>
    /// <param name="s">Limit scale (sigma), at least 0.</param>
    public static int ZoneCode(double value, double center, double s)
    {
        if (double.IsNaN(value)) throw new ArgumentOutOfRangeException(nameof(value), value, "A sample mean cannot be NaN.");
        if (!(s >= 0)) throw new ArgumentOutOfRangeException(nameof(s), s, "sigma must be >= 0.");
        if (value == center) return 0;
        var sign = value > center ? 1 : -1;
        if (s == 0) return 4 * sign;
        var z = Math.Abs((value - center) / s);
        var magnitude = z switch
        {
            0 => 0,
            < 1 => 1,
            < 2 => 2,
            <= 3 => 3,
            _ => 4,
        };
        return magnitude * sign;
    }

    private static double Mean(ReadOnlySpan<double> values)
    {
        var sum = 0.0;
        foreach (var v in values) sum += v;
        return sum / values.Length;
    }
}
