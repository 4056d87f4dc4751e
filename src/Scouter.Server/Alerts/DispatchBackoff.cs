namespace Scouter.Server.Alerts;

/// <summary>
/// Retry schedule of failed alert notices: exponential from <see cref="Base"/> (doubling per
/// attempt, capped at <see cref="Max"/>) with ±20 % jitter so replicas do not retry in lockstep;
/// after <see cref="MaxAttempts"/> failed attempts the notice is dropped and the error kept on the alert.
/// </summary>
internal static class DispatchBackoff
{
    public const int MaxAttempts = 8;

    public static readonly TimeSpan Base = TimeSpan.FromSeconds(15);

    public static readonly TimeSpan Max = TimeSpan.FromHours(1);

    /// <summary>Delay after the <paramref name="attempt"/>-th failure (1-based); <paramref name="jitter"/> in [0, 1).</summary>
    public static TimeSpan Delay(int attempt, double jitter)
    {
        var exponential = Base.TotalSeconds * Math.Pow(2, Math.Clamp(attempt, 1, 30) - 1);
        var capped = Math.Min(exponential, Max.TotalSeconds);
        return TimeSpan.FromSeconds(capped * (0.8 + (0.4 * Math.Clamp(jitter, 0, 1))));
    }
}
