using System.Text.Json;
using Scouter.Drift;
using Xunit;

namespace Scouter.Core.Tests.Drift;

/// <summary>
/// The streaming scanner against a brute-force reader of the rules of spec/drift-math.md 2.3: a
/// run of (zone, kind, side) fires at index e when the <c>length</c> samples ending at e satisfy the
/// rule and the <c>length</c> samples ending at e - 1 do not (the first full window of a streak).
/// </summary>
public sealed class SpcRuleScannerTests
{
    private static readonly int[] AllZones = [1, 2, 3, 4];

    [Fact]
    public void RandomSeries_HitsEqualBruteForce_AndEngineReportsTheFirstOfEach()
    {
        var random = new Random(20240611);
        double[] levels = [-4, -3.5, -2.5, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4];
        for (var series = 0; series < 2000; series++)
        {
            var means = new double[random.Next(0, 60)];
            for (var i = 0; i < means.Length; i++) means[i] = levels[random.Next(levels.Length)];
            var rule = SpcRule.Parse(string.Join(' ', Enumerable.Range(0, 8).Select(_ => random.Next(0, 5))));
            int[] zones = [.. AllZones.Where(_ => random.Next(3) > 0)];
            int[] trends = [0, 2, 3, 4];
            var trendLength = trends[random.Next(trends.Length)];

            var expected = BruteForce(means, rule, zones, trendLength);
            var scanner = new SpcRuleScanner<int>(0, 1, rule, zones, trendLength);
            var hits = new List<SpcRuleHit<int>>();
            for (var i = 0; i < means.Length; i++)
            {
                Assert.Equal(Spc.ZoneCode(means[i], 0, 1), scanner.Add(means[i], i));
                hits.AddRange(scanner.Hits.ToArray());
            }
            var label = $"series {series}: [{string.Join(", ", means)}] rule '{rule}' zones [{string.Join(", ", zones)}] trend {trendLength}";
            Assert.True(expected.SequenceEqual(hits), $"{label}: expected {string.Join(", ", expected)}, got {string.Join(", ", hits)}");

            // The engine reports the first run of each (zone, kind), zone by zone, trend last.
            var first = expected.GroupBy(h => (h.Zone, h.Kind)).Select(g => g.First())
                .OrderBy(h => h.Zone ?? 5).ThenBy(h => h.Kind == SpcAlertKind.Alternating ? 1 : 0)
                .Select(h => new SpcRuleAlert(h.Zone, h.Kind, h.Start, h.End));
            Assert.Equal(first, SpcRuleEngine.Evaluate(means, 0, 1, rule, zones, trendLength).Alerts);
        }
    }

    [Fact]
    public void ReferenceVectors_FirstHitPerRule_IsTheReferenceAlertSet()
    {
        foreach (var c in ReferenceVectors.Cases.GetProperty("spc_rules").EnumerateArray())
        {
            var scanner = new SpcRuleScanner<int>(c.GetProperty("center").GetDouble(), c.GetProperty("sigma").GetDouble(),
                SpcRule.Parse(c.GetProperty("rule").GetString()!), c.GetProperty("zones").Ints(), c.GetProperty("trend_length").GetInt32());
            var means = c.GetProperty("means").Doubles();
            var codes = new int[means.Length];
            var fired = new HashSet<(int?, string)>();
            for (var i = 0; i < means.Length; i++)
            {
                codes[i] = scanner.Add(means[i], i);
                foreach (var hit in scanner.Hits) fired.Add((hit.Zone, hit.Kind.ToString()));
            }

            Assert.Equal(c.GetProperty("codes").Ints(), codes);
            var expected = c.GetProperty("alerts").EnumerateArray()
                .Select(a => (a.GetProperty("zone").ValueKind == JsonValueKind.Null ? (int?)null : a.GetProperty("zone").GetInt32(), Kind(a.GetProperty("kind").GetString()!)))
                .ToHashSet();
            Assert.True(expected.SetEquals(fired), $"expected {{{string.Join(", ", expected)}}}, got {{{string.Join(", ", fired)}}}");
        }
    }

    [Fact]
    public void LongStreak_IsOneRun_AndANewStreakIsAnother()
    {
        // Out of bounds (length 1): samples 1-3 are one streak, sample 5 a second one.
        var scanner = new SpcRuleScanner<string>(0, 1, SpcRule.Parse("0 0 0 0 0 0 1 0"), AllZones, 0);
        var hits = new List<SpcRuleHit<string>>();
        foreach (var (mean, tag) in new[] { (0.5, "a"), (3.5, "b"), (4.0, "c"), (5.0, "d"), (0.5, "e"), (-3.5, "f") })
        {
            scanner.Add(mean, tag);
            hits.AddRange(scanner.Hits.ToArray());
        }

        Assert.Equal([new(4, SpcAlertKind.OutOfBounds, "b", "b"), new(4, SpcAlertKind.OutOfBounds, "f", "f")], hits);
    }

    [Fact]
    public void InvalidArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SpcRuleScanner<int>(0, 1, SpcRule.Default, AllZones, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SpcRuleScanner<int>(0, 1, SpcRule.Default, [0], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SpcRuleScanner<int>(0, 1, SpcRule.Default, AllZones, 0).Add(double.NaN, 0));
    }

    private static string Kind(string wire) => wire switch
    {
        "consecutive" => nameof(SpcAlertKind.Consecutive),
        "alternating" => nameof(SpcAlertKind.Alternating),
        "out_of_bounds" => nameof(SpcAlertKind.OutOfBounds),
        _ => nameof(SpcAlertKind.Trend),
    };

    /// <summary>Every run, in index order, and per index in report order (zone by zone, consecutive before alternating, trend last).</summary>
    private static List<SpcRuleHit<int>> BruteForce(double[] means, SpcRule rule, int[] zones, int trendLength)
    {
        var codes = means.Select(m => Spc.ZoneCode(m, 0, 1)).ToArray();
        var hits = new List<SpcRuleHit<int>>();
        for (var e = 0; e < means.Length; e++)
        {
            foreach (var zone in AllZones.Where(zones.Contains))
            {
                var length = rule.Consecutive(zone);
                var kind = zone == 4 ? SpcAlertKind.OutOfBounds : SpcAlertKind.Consecutive;
                if (length > 0 && (Fires(e, length, i => codes[i] >= zone) || Fires(e, length, i => codes[i] <= -zone)))
                    hits.Add(new(zone, kind, e - length + 1, e));
                var alternating = rule.Alternating(zone);
                if (alternating >= 2 && Fires(e, alternating, i => Math.Abs(codes[i]) >= zone, (i, j) => Math.Sign(codes[i]) != Math.Sign(codes[j])))
                    hits.Add(new(zone, SpcAlertKind.Alternating, e - alternating + 1, e));
            }
            if (trendLength > 0 && (Fires(e, trendLength, _ => true, (i, j) => means[j] > means[i]) || Fires(e, trendLength, _ => true, (i, j) => means[j] < means[i])))
                hits.Add(new(null, SpcAlertKind.Trend, e - trendLength + 1, e));
        }
        return hits;

        // The window of `length` samples ending at e holds (each sample, each neighbour pair) and the one ending at e - 1 does not.
        bool Fires(int e, int length, Func<int, bool> each, Func<int, int, bool>? pair = null) =>
            Holds(e, length, each, pair) && !Holds(e - 1, length, each, pair);

        bool Holds(int end, int length, Func<int, bool> each, Func<int, int, bool>? pair)
        {
            var start = end - length + 1;
            if (start < 0) return false;
            for (var i = start; i <= end; i++)
            {
                if (!each(i)) return false;
                if (i > start && pair is not null && !pair(i - 1, i)) return false;
            }
            return true;
        }
    }
}
