using Scouter.Records;
using Scouter.Server.Ingestion;
using Scouter.Server.Storage;
using Scouter.Server.Tests.Fixtures;
using Xunit;

namespace Scouter.Server.Tests.Ingestion;

public class RecordBatchValidatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    private static (Guid Uid, Dictionary<Guid, CachedProfile> Profiles) Profile(DriftProfile profile)
    {
        var uid = profile.Config.Uid;
        var row = new StoredProfile(uid, profile.Config.Space, profile.Config.Name, profile.Config.Version, profile.DriftType, profile.ToJson(), true, CommonCrons.EveryDay, null, null, Now, Now);
        return (uid, new() { [uid] = new CachedProfile(row, profile) });
    }

    private static RecordBatch Batch(DriftRecord record) => new() { BatchId = Guid.CreateVersion7(), SentAt = Now, Records = [record] };

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void NonFiniteSpcMean_IsRejectedNamingTheField(double mean)
    {
        var (uid, profiles) = Profile(TestProfiles.Spc("v"));

        var validated = RecordBatchValidator.Validate(Batch(new SpcRecord { Uid = uid, CreatedAt = Now, Feature = "x", Mean = mean, Count = 3 }), profiles, Now, 60);

        Assert.Empty(validated.Rows.Spc);
        var rejected = Assert.Single(validated.Rejected);
        Assert.Equal((0, "non_finite_value", "records[0].mean"), (rejected.Index, rejected.Code, rejected.Field));
    }

    [Fact]
    public void NonFiniteCustomSum_IsRejectedNamingTheField()
    {
        var (uid, profiles) = Profile(TestProfiles.Custom("v"));

        var validated = RecordBatchValidator.Validate(Batch(new CustomRecord { Uid = uid, CreatedAt = Now, Metric = "mae", Sum = double.NegativeInfinity, Count = 3 }), profiles, Now, 60);

        var rejected = Assert.Single(validated.Rejected);
        Assert.Equal(("non_finite_value", "records[0].sum"), (rejected.Code, rejected.Field));
    }

    [Fact]
    public void ValidPsiRecord_BecomesOneRowPerPositiveBin()
    {
        var (uid, profiles) = Profile(TestProfiles.Psi("v"));

        var validated = RecordBatchValidator.Validate(Batch(new PsiRecord { Uid = uid, CreatedAt = Now, Feature = "age", BinCounts = new Dictionary<int, long> { [0] = 2, [1] = 0, [3] = 5 } }), profiles, Now, 60);

        Assert.Empty(validated.Rejected);
        Assert.Equal([new PsiCountRow(uid, "age", 0, Now, 2), new PsiCountRow(uid, "age", 3, Now, 5)], validated.Rows.Psi);
        Assert.Equal(1, validated.Rows.Records);
    }

    [Fact]
    public void DuplicateLlmRecordIds_InOneBatch_TheLaterOneIsRejected()
    {
        var (uid, profiles) = Profile(TestProfiles.Llm("v"));
        var id = Guid.CreateVersion7();
        LlmDriftRecord Rec() => new() { Uid = uid, CreatedAt = Now, RecordId = id };

        var validated = RecordBatchValidator.Validate(new RecordBatch { BatchId = Guid.CreateVersion7(), SentAt = Now, Records = [Rec(), Rec()] }, profiles, Now, 60);

        Assert.Equal(id, Assert.Single(validated.Rows.Llm).Id);
        var rejected = Assert.Single(validated.Rejected);
        Assert.Equal((1, "duplicate_record_id", "records[1].record_id"), (rejected.Index, rejected.Code, rejected.Field));
    }
}
