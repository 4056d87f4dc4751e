namespace Scouter.Drift;

internal sealed record SpcRule
{
    public static SpcRule Parse(string text) => text is null ? throw new ArgumentNullException(nameof(text)) : new();
}

internal sealed class PromptTemplate
{
    public static PromptTemplate Parse(string text) => text is null ? throw new ArgumentNullException(nameof(text)) : new();
}

internal static class CustomConditions
{
    public static bool IsAlert(AlertThreshold condition, double baseline, double? delta, double observed) => condition == AlertThreshold.Above && observed > baseline + (delta ?? 0);
}

internal static class Binning
{
    public static int BinOf(ReadOnlySpan<double> edges, double value) => edges.Length + (int)value;
}
