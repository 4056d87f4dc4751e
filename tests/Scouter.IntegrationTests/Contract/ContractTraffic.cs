using System.Globalization;
using Scouter.Client;
using Scouter.Data;

namespace Scouter.IntegrationTests.Contract;

/// <summary>
/// Random inserts for the queue/server contract — numbers, text in numeric features, NaN, ±inf,
/// nulls, absent and unknown names, unseen and very many categories, huge strings, empty inserts,
/// out-of-range metrics, oversized LLM records — with the test's own tally of what each must become
/// (stored, or counted as an error or a rejected record). The tally is computed from the generated
/// values alone, never from the code under test.
/// </summary>
internal sealed class ContractTraffic
{
    public const string Psi = "psi";
    public const string Spc = "spc";
    public const string Custom = "custom";
    public const string Llm = "llm";

    /// <summary>A string larger than the biggest LLM payload the system stores (256 KiB).</summary>
    private static readonly string HugeText = new('h', 300 * 1024);

    private static readonly string[] Categories = ["a", "b", "c"];

    private readonly Random _random;

    public ContractTraffic(int seed) => _random = new Random(seed);

    // What the test expects, per profile and feature.
    public int Inserted { get; private set; }
    public long PsiNoKnownNames { get; private set; }
    public long PsiXMissing { get; private set; }
    public Dictionary<string, long> SpcValues { get; } = new(StringComparer.Ordinal) { ["a"] = 0, ["b"] = 0 };
    public Dictionary<string, long> CustomCounts { get; } = new(StringComparer.Ordinal) { ["m1"] = 0, ["m2"] = 0 };
    public Dictionary<string, double> CustomSums { get; } = new(StringComparer.Ordinal) { ["m1"] = 0, ["m2"] = 0 };
    public long LlmStored { get; private set; }
    public long LlmTooLarge { get; private set; }
    public long NotNumeric { get; private set; }
    public long NoKnownNames { get; private set; }
    public long UnknownFeatureNames { get; private set; }
    public long UnknownMetricNames { get; private set; }
    public long NoKnownMetrics { get; private set; }
    public long NonFiniteMetrics { get; private set; }
    public long OutOfRangeMetrics { get; private set; }

    /// <summary>Profiles of the four drift types in <paramref name="space"/>, built from small training data; checks only by hand.</summary>
    public static Dictionary<string, DriftProfile> Profiles(string space)
    {
        const string manualOnly = "0 0 0 29 2 *";
        var n = 2_000;
        var x = new double[n];
        var y = new double[n];
        var c = new string?[n];
        for (var i = 0; i < n; i++)
        {
            x[i] = (i * 37) % 100;
            y[i] = (i * 53) % 17;
            c[i] = Categories[i % Categories.Length];
        }
        var psiTable = new ColumnTable.Builder().AddNumeric("x", x).AddNumeric("y", y).AddCategorical("c", c).Build();
        var spcTable = ColumnTable.FromColumns(new Dictionary<string, double[]> { ["a"] = x, ["b"] = y });
        return new Dictionary<string, DriftProfile>(StringComparer.Ordinal)
        {
            [Psi] = Drifter.CreatePsiProfile(psiTable, new PsiDriftConfig
            {
                Space = space, Name = "contract-psi", Version = "1.0.0", AlertConfig = new PsiAlertConfig { Schedule = manualOnly },
            }),
            [Spc] = Drifter.CreateSpcProfile(spcTable, new SpcDriftConfig
            {
                Space = space, Name = "contract-spc", Version = "1.0.0", SampleSize = 5, AlertConfig = new SpcAlertConfig { Schedule = manualOnly },
            }),
            [Custom] = Drifter.CreateCustomProfile(new CustomMetricDriftConfig
            {
                Space = space, Name = "contract-custom", Version = "1.0.0", SampleSize = 10,
                AlertConfig = new CustomMetricAlertConfig { Schedule = manualOnly },
            }, [new CustomMetric("m1", 1.0, AlertThreshold.Above, 0.5), new CustomMetric("m2", 1.0, AlertThreshold.Below, 0.5)]),
            [Llm] = Drifter.CreateLlmProfile(new LlmDriftConfig
            {
                Space = space, Name = "contract-llm", Version = "1.0.0", SampleRate = 1.0, AlertConfig = new LlmAlertConfig { Schedule = manualOnly },
            }, [new LlmMetric("relevance", 4.0, "Rate 1-5 how well ${response} answers ${input}.")]),
        };
    }

    /// <summary>Inserts <paramref name="count"/> random items into each of the four profile queues.</summary>
    public void InsertInto(ScouterQueue queue, int count)
    {
        for (var i = 0; i < count; i++)
        {
            queue[Psi].Insert(new Features(PsiInsert(i)));
            queue[Spc].Insert(new Features(SpcInsert()));
            queue[Custom].Insert(new Metrics(CustomInsert()));
            queue[Llm].Insert(LlmInsert(i));
            Inserted += 4;
        }
    }

    private Dictionary<string, object?> PsiInsert(int i)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        var shape = _random.Next(100);
        if (shape < 4)
        {
            NoKnownNames++; // empty
            PsiNoKnownNames++;
            return values;
        }
        if (shape < 8)
        {
            values["zz_" + _random.Next(1_000).ToString(CultureInfo.InvariantCulture)] = 1.0; // unknown names only: not also unknown_feature
            NoKnownNames++;
            PsiNoKnownNames++;
            return values;
        }
        var xMissing = true;
        switch (_random.Next(100))
        {
            case < 65: values["x"] = _random.NextDouble() * 120 - 10; xMissing = false; break;
            case < 75: values["x"] = "N/A"; NotNumeric++; break;
            case < 80: values["x"] = double.NaN; break;
            case < 83: values["x"] = _random.Next(2) == 0 ? double.PositiveInfinity : double.NegativeInfinity; break;
            case < 88: values["x"] = null; break;
            case < 92: values["x"] = _random.Next(100).ToString(CultureInfo.InvariantCulture); xMissing = false; break; // a number as text
            default: break; // absent
        }
        if (xMissing) PsiXMissing++;
        if (_random.Next(10) < 8) values["y"] = _random.Next(-5, 30);
        switch (_random.Next(100))
        {
            case < 60: values["c"] = Categories[_random.Next(Categories.Length)]; break;
            case < 80: values["c"] = "unseen-" + i.ToString(CultureInfo.InvariantCulture); break; // very many categories
            case < 83: values["c"] = HugeText; break;
            case < 90: values["c"] = null; break;
            default: break;
        }
        var extra = _random.Next(10) == 0;
        if (extra) values["extra_" + _random.Next(50).ToString(CultureInfo.InvariantCulture)] = "?";
        if (!values.ContainsKey("x") && !values.ContainsKey("y") && !values.ContainsKey("c"))
        {
            // Every known feature happened to be absent: the insert shares no name with the profile.
            NoKnownNames++;
            PsiNoKnownNames++;
            PsiXMissing--;
            return values;
        }
        if (extra) UnknownFeatureNames++;
        return values;
    }

    private Dictionary<string, object?> SpcInsert()
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var feature in (string[])["a", "b"])
        {
            switch (_random.Next(100))
            {
                case < 70: values[feature] = _random.NextDouble() * 50; SpcValues[feature]++; break;
                case < 78: values[feature] = "text"; NotNumeric++; break;
                case < 84: values[feature] = double.NaN; break;
                case < 90: values[feature] = null; break;
                default: break;
            }
        }
        if (values.Count == 0) NoKnownNames++;
        return values;
    }

    private Dictionary<string, double> CustomInsert()
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        var known = 0;
        foreach (var metric in (string[])["m1", "m2"])
        {
            var roll = _random.Next(100);
            if (roll < 75)
            {
                var v = Math.Round(_random.NextDouble() * 4, 3);
                values[metric] = v;
                CustomCounts[metric]++;
                CustomSums[metric] += v;
                known++;
            }
            else if (roll < 82)
            {
                values[metric] = roll % 2 == 0 ? double.NaN : double.NegativeInfinity;
                NonFiniteMetrics++;
                known++;
            }
            else if (roll < 86)
            {
                values[metric] = 1e150;
                OutOfRangeMetrics++;
                known++;
            }
        }
        if (_random.Next(20) == 0) values["unknown_metric"] = 1;
        // An insert sharing no name with the profile is one error of its own; its unknown names are not counted again.
        if (known == 0) NoKnownMetrics++;
        else if (values.ContainsKey("unknown_metric")) UnknownMetricNames++;
        return values;
    }

    private LlmRecord LlmInsert(int i)
    {
        var huge = _random.Next(50) == 0;
        if (huge) LlmTooLarge++;
        else LlmStored++;
        var context = new Dictionary<string, object?> { ["turn"] = i, ["tags"] = new[] { "x", "y" } };
        return new LlmRecord("question " + i.ToString(CultureInfo.InvariantCulture), huge ? HugeText : "answer", context);
    }
}
