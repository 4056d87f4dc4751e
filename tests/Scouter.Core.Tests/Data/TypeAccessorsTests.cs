using Scouter.Data;
using Xunit;

namespace Scouter.Core.Tests.Data;

public enum Tier
{
    Free,
    Pro,
}

public sealed record Applicant(int Age, double? Income, string? City, bool Member, Tier Tier, DateTime Joined) : IFeatureSource, IMetricSource;

public sealed class TypeAccessorsTests
{
    private static readonly DateTime Joined = new(2024, 1, 2, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void ToFeatures_Record_HasOneFeaturePerSupportedMemberNamedExactly()
    {
        var features = new Applicant(41, 52_000.5, "paris", true, Tier.Pro, Joined).ToFeatures();

        Assert.Equal(["Age", "Income", "City", "Member", "Tier"], features.Select(f => f.Name)); // DateTime ignored
        Assert.Equal(new Feature("Age", 41), features[0]);
        Assert.Equal(new Feature("Income", 52_000.5), features[1]);
        Assert.Equal(new Feature("City", "paris"), features[2]);
        Assert.Equal(new Feature("Member", "true"), features[3]);
        Assert.Equal(FeatureValueKind.Text, features[3].Kind);
        Assert.Equal(new Feature("Tier", "Pro"), features[4]);
    }

    [Fact]
    public void ToFeatures_NullMembers_AreMissing()
    {
        var features = new Applicant(0, null, null, false, Tier.Free, Joined).ToFeatures();

        Assert.Equal(FeatureValueKind.Missing, features[1].Kind);
        Assert.Equal(FeatureValueKind.Missing, features[2].Kind);
        Assert.Equal("false", features[3].Text);
        Assert.Equal("Free", features[4].Text);
    }

    [Fact]
    public void ToFeatures_CalledRepeatedly_ReturnsIndependentResults()
    {
        var first = Features.From(new Applicant(1, 1.5, "a", true, Tier.Free, Joined));
        var second = Features.From(new Applicant(2, 2.5, "b", false, Tier.Pro, Joined));

        Assert.Equal([1.0, 1.5], first.Take(2).Select(f => f.Number));
        Assert.Equal([2.0, 2.5], second.Take(2).Select(f => f.Number));
        Assert.Equal("b", second[2].Text);
    }

    [Fact]
    public void ToFeatures_NullInstance_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => Features.From<Applicant>(null!));
        Assert.Throws<ArgumentNullException>(() => Metrics.From<Applicant>(null!));
    }

    [Fact]
    public void ToMetrics_Record_UsesNumericMembersOnlyWithNullAsNaN()
    {
        var metrics = new Applicant(41, null, "paris", true, Tier.Pro, Joined).ToMetrics();

        Assert.Equal(["Age", "Income"], metrics.Select(m => m.Name));
        Assert.Equal(41.0, metrics[0].Value);
        Assert.True(double.IsNaN(metrics[1].Value));
    }

    private struct Reading
    {
        public float Ratio;
        public decimal Amount { get; set; }
        public uint Count { get; set; }
        public short Small { get; set; }
        public byte Tiny { get; set; }
        public ulong Big { get; set; }
        public Tier? MaybeTier { get; set; }
        public bool? MaybeFlag { get; set; }
        public long? MaybeLong { get; set; }
        public readonly int this[int i] => i; // indexers are not features
        public static int Shared => 1; // statics are not features
        private int Hidden { get; set; } // non-public members are not features
        public Guid Id { get; set; } // unsupported types are ignored
    }

    [Fact]
    public void ToFeatures_PrivateStructWithFieldsAndNullables_ConvertsEveryNumberAndCategory()
    {
        var reading = new Reading { Ratio = 0.5f, Amount = 2.25m, Count = 7, Small = -3, Tiny = 200, Big = 1UL << 40, MaybeTier = Tier.Pro, MaybeFlag = null, MaybeLong = null };

        var features = Features.From(reading);

        Assert.Equal(["Amount", "Count", "Small", "Tiny", "Big", "MaybeTier", "MaybeFlag", "MaybeLong", "Ratio"], features.Select(f => f.Name));
        Assert.Equal([2.25, 7, -3, 200, 1UL << 40], features.Take(5).Select(f => f.Number));
        Assert.Equal("Pro", features[5].Text);
        Assert.Equal(FeatureValueKind.Missing, features[6].Kind);
        Assert.Equal(FeatureValueKind.Missing, features[7].Kind);
        Assert.Equal(0.5, features[8].Number);
        Assert.Equal(["Amount", "Count", "Small", "Tiny", "Big", "MaybeLong", "Ratio"], Metrics.From(reading).Select(m => m.Name));
    }

    private class Base
    {
        public int Id { get; set; }
        public string? Label { get; set; }
    }

    private sealed class Derived : Base
    {
        public new string? Id { get; set; } // hides Base.Id: one feature, the derived one
        public double Extra { get; set; }
    }

    [Fact]
    public void ToFeatures_HiddenBaseProperty_AppearsOnceAsTheDerivedMember()
    {
        var features = Features.From(new Derived { Id = "x1", Label = "l", Extra = 3 });

        Assert.Equal(3, features.Count);
        Assert.Equal(new Feature("Id", "x1"), features.Single(f => f.Name == "Id"));
        Assert.Equal(new Feature("Label", "l"), features.Single(f => f.Name == "Label"));
        Assert.Equal(3.0, features.Single(f => f.Name == "Extra").Number);
    }

    [Fact]
    public void FromObjects_Records_BuildsTypedColumns()
    {
        Applicant[] rows =
        [
            new(30, 10.5, "paris", true, Tier.Free, Joined),
            new(40, null, null, false, Tier.Pro, Joined),
        ];

        var table = ColumnTable.FromObjects(rows);

        Assert.Equal(2, table.RowCount);
        Assert.Equal(["Age", "Income", "City", "Member", "Tier"], table.Select(c => c.Name));
        Assert.Equal([30.0, 40.0], Assert.IsType<NumericColumn>(table["Age"]).Values.ToArray());
        var income = Assert.IsType<NumericColumn>(table["Income"]).Values;
        Assert.Equal(10.5, income[0]);
        Assert.True(double.IsNaN(income[1]));
        Assert.Equal(["paris", null], Assert.IsType<CategoricalColumn>(table["City"]).Values);
        Assert.Equal(["true", "false"], Assert.IsType<CategoricalColumn>(table["Member"]).Values);
        Assert.Equal(["Free", "Pro"], Assert.IsType<CategoricalColumn>(table["Tier"]).Values);
        Assert.False(table.TryGetColumn("Joined", out _));
    }

    [Fact]
    public void FromObjects_LazySequence_IsEnumeratedOnce()
    {
        var enumerations = 0;
        IEnumerable<Applicant> Rows()
        {
            enumerations++;
            for (var i = 0; i < 3; i++) yield return new Applicant(i, i, "c", true, Tier.Free, Joined);
        }

        var table = ColumnTable.FromObjects(Rows());

        Assert.Equal(3, table.RowCount);
        Assert.Equal(1, enumerations);
        Assert.Equal([0.0, 1, 2], ((NumericColumn)table["Age"]).Values.ToArray());
    }

    [Fact]
    public void FromObjects_NullRow_ReportsRow()
    {
        var error = Assert.Throws<ScouterDataException>(() => ColumnTable.FromObjects(new Applicant?[] { new(1, 1, "a", true, Tier.Free, Joined), null }));

        Assert.Equal(2, error.Row);
        Assert.Contains("Applicant", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromObjects_EmptySequence_GivesZeroRows()
    {
        var table = ColumnTable.FromObjects(Array.Empty<Applicant>());

        Assert.Equal(0, table.RowCount);
        Assert.Equal(5, table.Count);
    }

    [Fact]
    public void FromObjects_TypeWithoutSupportedMembers_ReportsType()
    {
        var error = Assert.Throws<ScouterDataException>(() => ColumnTable.FromObjects(new[] { new object() }));

        Assert.Contains("System.Object", error.Message, StringComparison.Ordinal);
    }
}
