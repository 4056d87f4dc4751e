using System.Globalization;
using Xunit;

namespace Scouter.Core.Tests.Drift;

/// <summary>The comparison of shared/reference/README.md: relative 1e-9, absolute 1e-12 near zero.</summary>
internal static class Tolerance
{
    public const double Relative = 1e-9;
    public const double Absolute = 1e-12;

    public static bool Close(double expected, double actual)
    {
        if (expected == actual) return true; // also equal infinities
        return Math.Abs(expected - actual) <= Math.Max(Absolute, Relative * Math.Abs(expected));
    }

    public static void Equal(double expected, double actual, string what)
    {
        Assert.True(Close(expected, actual),
            string.Create(CultureInfo.InvariantCulture, $"{what}: expected {expected:R}, got {actual:R}"));
    }

    public static void Equal(IReadOnlyList<double> expected, IReadOnlyList<double> actual, string what)
    {
        Assert.True(expected.Count == actual.Count,
            string.Create(CultureInfo.InvariantCulture, $"{what}: expected {expected.Count} values [{Join(expected)}], got {actual.Count} [{Join(actual)}]"));
        for (var i = 0; i < expected.Count; i++)
            Equal(expected[i], actual[i], string.Create(CultureInfo.InvariantCulture, $"{what}[{i}]"));
    }

    private static string Join(IReadOnlyList<double> values) =>
        string.Join(", ", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
}
