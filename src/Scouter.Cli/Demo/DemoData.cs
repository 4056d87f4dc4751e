using Scouter.Data;

namespace Scouter.Cli.Demo;

/// <summary>The demo's data: the sample files, the toy model's decision and the SPC features it monitors.</summary>
internal static class DemoData
{
    /// <summary>The custom metric: the share of approved applications.</summary>
    public const string MetricName = "approval_rate";

    /// <summary>The features of the SPC profile.</summary>
    public static readonly string[] SpcFeatures = ["age", "income", "credit_score", "debt_ratio"];

    /// <summary>The toy model's decision whose rate is the custom metric: approve good scores with moderate debt.</summary>
    internal static bool Approves(double creditScore, double debtRatio) => creditScore >= 620 && debtRatio < 0.45;

    /// <summary>The share of <paramref name="table"/>'s rows the toy model approves.</summary>
    public static double ApprovalRate(ColumnTable table)
    {
        var score = ((NumericColumn)table["credit_score"]).Values;
        var debt = ((NumericColumn)table["debt_ratio"]).Values;
        var approved = 0;
        for (var i = 0; i < table.RowCount; i++) if (Approves(score[i], debt[i])) approved++;
        return (double)approved / table.RowCount;
    }

    /// <summary>Finds <c>samples/data</c> above the current directory or the application's directory.</summary>
    public static string FindSampleData()
    {
        foreach (var root in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(root); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "samples", "data");
                if (File.Exists(Path.Combine(candidate, "credit_train.csv"))) return candidate;
            }
        }
        throw new DirectoryNotFoundException("samples/data (with credit_train.csv) not found above the current directory or the scouter binary; run from the repository");
    }
}

/// <summary>Pre-built inference payloads of one data file.</summary>
internal sealed class DemoRows
{
    public static readonly Metrics Approve = new([new Metric(DemoData.MetricName, 1)]);
    public static readonly Metrics Reject = new([new Metric(DemoData.MetricName, 0)]);

    private DemoRows(Features[] features, Features[] spcFeatures, bool[] approved, double[] creditScore, double[] debtRatio)
    {
        Features = features;
        SpcFeatures = spcFeatures;
        Approved = approved;
        CreditScore = creditScore;
        DebtRatio = debtRatio;
    }

    public Features[] Features { get; }

    /// <summary>The same rows with only the SPC profile's features, as a serving app would send them (other names would count as unknown_feature).</summary>
    public Features[] SpcFeatures { get; }

    public bool[] Approved { get; }

    public double[] CreditScore { get; }

    public double[] DebtRatio { get; }

    public int Count => Features.Length;

    public static DemoRows Load(ColumnTable table, PsiDriftProfile profile)
    {
        var features = new Features[table.RowCount];
        var spcFeatures = new Features[table.RowCount];
        var approved = new bool[table.RowCount];
        var columns = profile.Features.Keys.Select(name => table[name]).ToArray();
        var score = ((NumericColumn)table["credit_score"]).Values;
        var debt = ((NumericColumn)table["debt_ratio"]).Values;
        for (var i = 0; i < table.RowCount; i++)
        {
            var row = new Feature[columns.Length];
            for (var c = 0; c < columns.Length; c++)
            {
                row[c] = columns[c] switch
                {
                    NumericColumn n => new Feature(n.Name, n.Values[i]),
                    CategoricalColumn cat => new Feature(cat.Name, cat.Values[i]),
                    _ => Feature.Missing(columns[c].Name),
                };
            }
            features[i] = new Features(row);
            spcFeatures[i] = new Features(row.Where(f => DemoData.SpcFeatures.Contains(f.Name)));
            approved[i] = DemoData.Approves(score[i], debt[i]);
        }
        return new DemoRows(features, spcFeatures, approved, [.. score], [.. debt]);
    }
}
