using Scouter.Drift;

namespace Scouter.Server.Alerts;

/// <summary>The kinds of alert checks raise (<c>alerts.kind</c>), as stored and returned by the API.</summary>
internal static class AlertKinds
{
    /// <summary>A PSI feature above its threshold.</summary>
    public const string Psi = "psi";

    /// <summary>SPC: a run of samples on one side at or beyond a zone.</summary>
    public const string Consecutive = "consecutive";

    /// <summary>SPC: a run of samples at or beyond a zone with alternating signs.</summary>
    public const string Alternating = "alternating";

    /// <summary>SPC: samples beyond 3 sigma.</summary>
    public const string OutOfBounds = "out_of_bounds";

    /// <summary>SPC: a strictly increasing or decreasing run of sample means.</summary>
    public const string Trend = "trend";

    /// <summary>A custom metric that breaks its condition.</summary>
    public const string Custom = "custom";

    /// <summary>An LLM metric (judge or assertion) that breaks its condition.</summary>
    public const string Llm = "llm";

    /// <summary>An LLM profile's records mostly failed evaluation, or are stuck pending.</summary>
    public const string EvaluationFailures = "evaluation_failures";

    /// <summary>Every kind, in the order above.</summary>
    public static IReadOnlyList<string> All { get; } = [Psi, Consecutive, Alternating, OutOfBounds, Trend, Custom, Llm, EvaluationFailures];

    /// <summary>The kind of an SPC rule alert.</summary>
    public static string Of(SpcAlertKind kind) => kind switch
    {
        SpcAlertKind.Consecutive => Consecutive,
        SpcAlertKind.Alternating => Alternating,
        SpcAlertKind.OutOfBounds => OutOfBounds,
        _ => Trend,
    };
}
