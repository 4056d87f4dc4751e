using System.Globalization;
using System.Text.Json;
using Scouter.Drift;
using Xunit;

namespace Scouter.Core.Tests.Drift;

/// <summary>Every case of shared/reference/vectors.json (computed independently with numpy/scipy).</summary>
public sealed class ReferenceVectorTests
{
    private static JsonElement.ArrayEnumerator CasesOf(string group)
    {
        var cases = ReferenceVectors.Cases.GetProperty(group);
        Assert.True(cases.GetArrayLength() > 0, $"no cases in group {group}");
        return cases.EnumerateArray();
    }

    private static string Label(string group, int index) => string.Create(CultureInfo.InvariantCulture, $"{group}[{index}]");

    [Fact]
    public void ReferenceTolerance_IsTheDocumentedOne()
    {
        var tolerance = JsonDocument.Parse(File.ReadAllBytes(ReferenceVectors.FindFile())).RootElement.GetProperty("tolerance");
        Assert.Equal(Tolerance.Relative, tolerance.GetProperty("relative").GetDouble());
        Assert.Equal(Tolerance.Absolute, tolerance.GetProperty("absolute").GetDouble());
    }

    [Fact]
    public void QuantileEdges_MatchesR7ReferenceVectors()
    {
        var index = 0;
        foreach (var c in CasesOf("quantile_edges"))
        {
            var values = c.GetProperty("values").Doubles();
            var numBins = c.GetProperty("num_bins").GetInt32();
            var expected = c.GetProperty("edges").Doubles();

            var viaSelection = Quantiles.QuantileEdges(values.ToArray(), numBins);
            var viaStrategy = Binning.ComputeEdges(values.ToArray(), BinningStrategy.Quantile(numBins), "x");

            Tolerance.Equal(expected, viaSelection, Label("quantile_edges", index));
            Tolerance.Equal(expected, viaStrategy, Label("quantile_edges", index) + " via Binning");
            index++;
        }
    }

    [Fact]
    public void EqualWidthEdges_MatchesReferenceVectorsForEveryMethod()
    {
        var index = 0;
        var methods = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in CasesOf("equal_width_edges"))
        {
            var values = c.GetProperty("values").Doubles();
            var method = c.GetProperty("method").GetString()!;
            methods.Add(method);
            var numBins = c.TryGetProperty("num_bins", out var nb) ? nb.GetInt32() : 10;
            var strategy = BinningStrategy.Parse("equal_width:" + method, numBins);

            var edges = Binning.ComputeEdges(values, strategy, "x");

            Tolerance.Equal(c.GetProperty("edges").Doubles(), edges, Label("equal_width_edges", index) + " " + method);
            index++;
        }
        Assert.Equal(8, methods.Count);
    }

    [Fact]
    public void Psi_MatchesReferenceVectors()
    {
        var index = 0;
        foreach (var c in CasesOf("psi"))
        {
            var psi = PsiMath.Psi(c.GetProperty("baseline").Doubles(), c.GetProperty("observed").Doubles());
            Tolerance.Equal(c.GetProperty("psi").GetDouble(), psi, Label("psi", index));
            index++;
        }
    }

    [Fact]
    public void Thresholds_MatchChiSquareAndNormalReferenceVectors()
    {
        var index = 0;
        foreach (var c in CasesOf("thresholds"))
        {
            var alpha = c.GetProperty("alpha").GetDouble();
            var bins = c.GetProperty("bins").GetInt32();
            var n = c.GetProperty("n").GetInt64();

            var chiSquare = PsiMath.StatisticalThreshold(PsiThresholdKind.ChiSquare, 0.25, alpha, bins, n);
            var normal = PsiMath.StatisticalThreshold(PsiThresholdKind.Normal, 0.25, alpha, bins, n);

            Tolerance.Equal(c.GetProperty("chi_square").GetDouble(), chiSquare, Label("thresholds", index) + ".chi_square");
            Tolerance.Equal(c.GetProperty("normal").GetDouble(), normal, Label("thresholds", index) + ".normal");
            index++;
        }
    }

    [Fact]
    public void PsiNumericFeature_FromRawColumns_MatchesEdgesProportionsAndPsi()
    {
        var c = ReferenceVectors.Cases.GetProperty("psi_numeric_feature");
        var baseline = c.GetProperty("baseline").NullableDoubles();
        var observed = c.GetProperty("observed").NullableDoubles();
        var numBins = c.GetProperty("num_bins").GetInt32();

        var present = baseline.Where(double.IsFinite).ToArray();
        var edges = Binning.ComputeEdges(present, BinningStrategy.Quantile(numBins), "x");
        Tolerance.Equal(c.GetProperty("edges").Doubles(), edges, "edges");

        var baselineCounts = new long[edges.Length + 2];
        Binning.CountBins(baseline, edges, baselineCounts);
        var baselineProportions = baselineCounts.Select(n => (double)n / baseline.Length).ToArray();
        Tolerance.Equal(c.GetProperty("baseline_proportions_missing_first").Doubles(), baselineProportions, "baseline proportions");

        var observedCounts = new long[edges.Length + 2];
        Binning.CountBins(observed, edges, observedCounts);
        var observedProportions = observedCounts.Select(n => (double)n / observed.Length).ToArray();
        Tolerance.Equal(c.GetProperty("observed_proportions_missing_first").Doubles(), observedProportions, "observed proportions");

        var expectedPsi = c.GetProperty("psi").GetDouble();
        Tolerance.Equal(expectedPsi, PsiMath.Psi(baselineProportions, observedCounts), "psi from counts");
        Tolerance.Equal(expectedPsi, PsiMath.Psi(baselineProportions, observedProportions), "psi from proportions");
    }

    [Fact]
    public void PsiCategoricalFeature_FromRawColumns_MatchesCategoriesProportionsAndPsi()
    {
        var c = ReferenceVectors.Cases.GetProperty("psi_categorical_feature");
        var baseline = c.GetProperty("baseline").Strings();
        var observed = c.GetProperty("observed").Strings();

        var categoryCounts = baseline
            .Where(v => !string.IsNullOrWhiteSpace(v))
            .GroupBy(v => v, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (long)g.Count(), StringComparer.Ordinal);
        var categories = Categories.Sorted(categoryCounts, maxCategories: 100);
        Assert.Equal(c.GetProperty("categories").Strings(), categories);

        // Bin order [missing, unseen, categories...] as in the vectors README.
        long[] CountOf(string[] column)
        {
            var counts = new long[categories.Count + 2];
            foreach (var v in column)
            {
                if (string.IsNullOrWhiteSpace(v)) counts[0]++;
                else
                {
                    var i = categories.ToList().IndexOf(v);
                    counts[i < 0 ? 1 : i + 2]++;
                }
            }
            return counts;
        }

        var baselineProportions = CountOf(baseline).Select(n => (double)n / baseline.Length).ToArray();
        Tolerance.Equal(c.GetProperty("baseline_proportions_missing_unseen_first").Doubles(), baselineProportions, "baseline proportions");

        var observedCounts = CountOf(observed);
        var observedProportions = observedCounts.Select(n => (double)n / observed.Length).ToArray();
        Tolerance.Equal(c.GetProperty("observed_proportions_missing_unseen_first").Doubles(), observedProportions, "observed proportions");

        var expectedPsi = c.GetProperty("psi").GetDouble();
        Tolerance.Equal(expectedPsi, PsiMath.Psi(baselineProportions, observedCounts), "psi from counts");
        Tolerance.Equal(expectedPsi, PsiMath.Psi(baselineProportions, observedProportions), "psi from proportions");
    }

    [Fact]
    public void C4_MatchesExactReferenceVectors()
    {
        var index = 0;
        foreach (var c in CasesOf("c4"))
        {
            Tolerance.Equal(c.GetProperty("c4").GetDouble(), Spc.C4(c.GetProperty("n").GetInt32()), Label("c4", index));
            index++;
        }
    }

    [Fact]
    public void SpcBaseline_MatchesCenterAndBothSigmaScales()
    {
        var c = ReferenceVectors.Cases.GetProperty("spc_baseline");
        var values = c.GetProperty("values").Doubles();
        var sampleSize = c.GetProperty("sample_size").GetInt32();

        var (center, sigmaHat, samples) = Spc.Baseline(values, sampleSize);

        Assert.Equal(values.Length / sampleSize, samples);
        Tolerance.Equal(c.GetProperty("center").GetDouble(), center, "center");
        Tolerance.Equal(c.GetProperty("sigma_observation").GetDouble(), Spc.LimitSigma(sigmaHat, SpcLimitScale.Observation, sampleSize), "sigma_observation");
        Tolerance.Equal(c.GetProperty("sigma_sample_mean").GetDouble(), Spc.LimitSigma(sigmaHat, SpcLimitScale.SampleMean, sampleSize), "sigma_sample_mean");
    }

    [Fact]
    public void SpcZone_MatchesReferenceCodes()
    {
        var index = 0;
        foreach (var c in CasesOf("spc_zone"))
        {
            var code = Spc.ZoneCode(c.GetProperty("value").GetDouble(), c.GetProperty("center").GetDouble(), c.GetProperty("sigma").GetDouble());
            Assert.True(c.GetProperty("code").GetInt32() == code, $"{Label("spc_zone", index)}: expected {c.GetProperty("code").GetInt32()}, got {code}");
            index++;
        }
    }

    [Fact]
    public void SpcRules_MatchReferenceCodesAndAlertSets()
    {
        var index = 0;
        foreach (var c in CasesOf("spc_rules"))
        {
            var (codes, alerts) = SpcRuleEngine.Evaluate(
                c.GetProperty("means").Doubles(),
                c.GetProperty("center").GetDouble(),
                c.GetProperty("sigma").GetDouble(),
                SpcRule.Parse(c.GetProperty("rule").GetString()!),
                c.GetProperty("zones").Ints(),
                c.GetProperty("trend_length").GetInt32());

            Assert.Equal(c.GetProperty("codes").Ints(), codes);

            var expected = c.GetProperty("alerts").EnumerateArray()
                .Select(a => (a.GetProperty("zone").ValueKind == JsonValueKind.Null ? (int?)null : a.GetProperty("zone").GetInt32(), a.GetProperty("kind").GetString()!))
                .ToHashSet();
            var actual = alerts.Select(a => (a.Zone, WireName(a.Kind))).ToHashSet();
            Assert.True(expected.SetEquals(actual),
                $"{Label("spc_rules", index)}: expected {{{string.Join(", ", expected)}}}, got {{{string.Join(", ", actual)}}}");
            Assert.Equal(actual.Count, alerts.Count); // each (zone, kind) once
            index++;
        }
    }

    [Fact]
    public void CustomCondition_MatchesReferenceAlerts()
    {
        var index = 0;
        foreach (var c in CasesOf("custom_condition"))
        {
            var condition = c.GetProperty("condition").GetString() switch
            {
                "above" => AlertThreshold.Above,
                "below" => AlertThreshold.Below,
                "outside" => AlertThreshold.Outside,
                var other => throw new InvalidOperationException("unknown condition " + other),
            };
            var delta = c.GetProperty("delta");
            var alert = CustomConditions.IsAlert(
                condition,
                c.GetProperty("baseline").GetDouble(),
                delta.ValueKind == JsonValueKind.Null ? null : delta.GetDouble(),
                c.GetProperty("observed").GetDouble());
            Assert.True(c.GetProperty("alert").GetBoolean() == alert, $"{Label("custom_condition", index)}: expected {c.GetProperty("alert").GetBoolean()}");
            index++;
        }
    }

    // Spelled out here rather than read from the enum's attributes, so a wrong attribute fails.
    private static string WireName(SpcAlertKind kind) => kind switch
    {
        SpcAlertKind.Consecutive => "consecutive",
        SpcAlertKind.Alternating => "alternating",
        SpcAlertKind.OutOfBounds => "out_of_bounds",
        SpcAlertKind.Trend => "trend",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Fact]
    public void EveryReferenceGroup_IsCovered()
    {
        var covered = new[]
        {
            "quantile_edges", "equal_width_edges", "psi", "thresholds", "psi_numeric_feature", "psi_categorical_feature",
            "c4", "spc_baseline", "spc_zone", "spc_rules", "custom_condition",
        };
        var groups = ReferenceVectors.Cases.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal);
        Assert.Equal(covered.Order(StringComparer.Ordinal), groups);
    }
}
