using System.Text.Json;
using Scouter.Data;
using Scouter.Records;
using Xunit;
using static Scouter.Client.Tests.Queue.QueueTestKit;

namespace Scouter.Client.Tests.Queue;

public sealed record CreditRequest(double Age, double CreditScore) : IFeatureSource;

public sealed class FeatureNamingQueueTests
{
    /// <summary>A PSI profile from a CSV file with snake_case headers: age 21..30, credit_score 510..600 in 4 quantile bins.</summary>
    private static PsiDriftProfile CsvProfile()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("scouter-naming-").FullName, "train.csv");
        File.WriteAllLines(path, ["age,credit_score", .. Enumerable.Range(1, 10).Select(i => $"{20 + i},{500 + (10 * i)}")]);
        var profile = Drifter.CreatePsiProfile(CsvTable.Read(path),
            new PsiDriftConfig { Space = "s", Name = "credit", Binning = BinningStrategy.Quantile(4) });
        Assert.Equal([23.25, 25.5, 27.75], profile.Features["age"].Edges!);
        Assert.Equal([532.5, 555, 577.5], profile.Features["credit_score"].Edges!);
        return profile;
    }

    private static Dictionary<int, long> NonZero(PsiRecord record) => record.BinCounts.Where(kv => kv.Value != 0).ToDictionary();

    [Fact]
    public async Task InsertTyped_WithSnakeCasePolicy_ProducesTheProfilesFeatureNamesAndBinCounts()
    {
        var profile = CsvProfile();
        var (queue, transport, _) = Create("credit", profile, o => o.FeatureNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        await using var _q = queue;

        queue["credit"].Insert(new CreditRequest(22, 600)); // age bin 1, credit_score bin 4
        queue["credit"].Insert(new CreditRequest(26, 550)); // age bin 3, credit_score bin 2
        queue["credit"].Insert(new CreditRequest(30, 520)); // age bin 4, credit_score bin 1
        queue["credit"].Insert(new CreditRequest(23, 540)); // age bin 1, credit_score bin 2
        await queue.FlushAsync(TestContext.Current.CancellationToken);

        var records = RecordsOf<PsiRecord>(transport).ToDictionary(r => r.Feature);
        Assert.Equal(["age", "credit_score"], records.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new Dictionary<int, long> { [1] = 2, [3] = 1, [4] = 1 }, NonZero(records["age"]));
        Assert.Equal(new Dictionary<int, long> { [4] = 1, [2] = 2, [1] = 1 }, NonZero(records["credit_score"]));
        Assert.All(queue.Statistics.Errors.Values, n => Assert.Equal(0, n));
    }

    [Fact]
    public async Task InsertTyped_WithoutPolicy_SharesNoNameWithTheProfile_IsCountedNotAggregated()
    {
        var (queue, transport, _) = Create("credit", CsvProfile());
        await using var _q = queue;

        queue["credit"].Insert(new CreditRequest(22, 600));
        await queue.FlushAsync(TestContext.Current.CancellationToken);

        // The inserted names (Age, CreditScore) are not the profile's: an error, never "every feature missing" (false drift).
        Assert.Empty(RecordsOf<PsiRecord>(transport));
        Assert.Equal(1, queue.Statistics.Errors["no_known_features"]);
    }
}
