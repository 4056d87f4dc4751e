using System.Text.Json;
using Scouter.Data;
using Xunit;

namespace Scouter.Core.Tests.Data;

public sealed record CreditRequest(double Age, double CreditScore, [property: FeatureName("Income_USD")] double? MonthlyIncome, string EmploymentType)
    : IFeatureSource, IMetricSource;

public sealed class RenamedMembers : IFeatureSource, IMetricSource
{
    [FeatureName("credit_score")]
    public double Score { get; init; }

#pragma warning disable CA1051 // a public field is what the test is about
    [FeatureName("home_region")]
    public string? Region;
#pragma warning restore CA1051

    public int Age { get; init; }
}

public sealed class SnakeCollision : IFeatureSource
{
    public double FooBar { get; init; }

#pragma warning disable CA1707 // the underscore is the point: both names become foo_bar
    public double Foo_Bar { get; init; }
#pragma warning restore CA1707
}

public sealed class AttributeCollision : IFeatureSource
{
    [FeatureName("Age")]
    public double Years { get; init; }

    public double Age { get; init; }
}

public sealed class FeatureNamingTests
{
    [Fact]
    public void ToFeatures_FeatureNameOnPropertyAndField_RenamesThem()
    {
        var features = new RenamedMembers { Score = 640, Region = "north", Age = 30 }.ToFeatures();

        Assert.Equal(["credit_score", "Age", "home_region"], features.Select(f => f.Name)); // properties, then fields
        Assert.Equal(new Feature("credit_score", 640), features[0]);
        Assert.Equal(new Feature("home_region", "north"), features[2]);
    }

    [Fact]
    public void ToFeatures_WithoutPolicy_KeepsMemberNamesExceptRenamedOnes()
    {
        var features = new CreditRequest(41, 700, 3200, "salaried").ToFeatures();

        Assert.Equal(["Age", "CreditScore", "Income_USD", "EmploymentType"], features.Select(f => f.Name));
    }

    [Fact]
    public void ToFeatures_SnakeCasePolicy_ConvertsMemberNames_AttributeNameWins()
    {
        var features = new CreditRequest(41, 700, 3200, "salaried").ToFeatures(JsonNamingPolicy.SnakeCaseLower);

        Assert.Equal(["age", "credit_score", "Income_USD", "employment_type"], features.Select(f => f.Name));
        Assert.Equal(new Feature("credit_score", 700), features[1]);
        Assert.Equal(new Feature("Income_USD", 3200), features[2]);
        Assert.Equal(new Feature("employment_type", "salaried"), features[3]);
    }

    [Fact]
    public void ToFeatures_PolicyThenNoPolicy_EachKeepsItsOwnNames()
    {
        var value = new CreditRequest(41, 700, null, "salaried");

        Assert.Equal("credit_score", value.ToFeatures(JsonNamingPolicy.SnakeCaseLower)[1].Name);
        Assert.Equal("creditScore", value.ToFeatures(JsonNamingPolicy.CamelCase)[1].Name);
        Assert.Equal("CreditScore", value.ToFeatures()[1].Name);
        Assert.Equal("CreditScore", Features.From(value, null)[1].Name);
    }

    [Fact]
    public void Accessors_AreBuiltOncePerTypeAndPolicy()
    {
        var snake = TypeAccessors<CreditRequest>.For(JsonNamingPolicy.SnakeCaseLower);

        Assert.Same(snake, TypeAccessors<CreditRequest>.For(JsonNamingPolicy.SnakeCaseLower));
        Assert.NotSame(snake, TypeAccessors<CreditRequest>.For(JsonNamingPolicy.KebabCaseLower));
        Assert.Same(snake, TypeAccessors<CreditRequest>.For(JsonNamingPolicy.SnakeCaseLower)); // after another policy too
        Assert.Same(TypeAccessors<CreditRequest>.Default, TypeAccessors<CreditRequest>.For(null));
        Assert.Equal(["age", "credit_score", "Income_USD", "employment_type"], snake.Members.Select(m => m.Name));
    }

    [Fact]
    public void ToMetrics_HonoursAttributeAndPolicy()
    {
        var value = new RenamedMembers { Score = 640, Age = 30 };

        Assert.Equal([new Metric("credit_score", 640), new Metric("Age", 30)], value.ToMetrics());
        Assert.Equal([new Metric("credit_score", 640), new Metric("age", 30)], value.ToMetrics(JsonNamingPolicy.SnakeCaseLower));
        Assert.Equal(["age", "credit_score", "Income_USD"], Metrics.From(new CreditRequest(1, 2, 3, "x"), JsonNamingPolicy.SnakeCaseLower).Select(m => m.Name));
    }

    [Fact]
    public void FromObjects_NamesColumnsAsFeaturesAreNamed()
    {
        CreditRequest[] rows = [new(41, 700, 3200, "salaried"), new(29, 610, null, "contract")];

        var plain = ColumnTable.FromObjects(rows);
        var snake = ColumnTable.FromObjects(rows, JsonNamingPolicy.SnakeCaseLower);

        Assert.Equal(rows[0].ToFeatures().Select(f => f.Name), plain.Select(c => c.Name));
        Assert.Equal(["age", "credit_score", "Income_USD", "employment_type"], snake.Select(c => c.Name));
        Assert.Equal([700.0, 610.0], ((NumericColumn)snake.Single(c => c.Name == "credit_score")).Values.ToArray());
    }

    [Fact]
    public void ToFeatures_PolicyMapsTwoMembersToOneName_ThrowsNamingBoth()
    {
        var value = new SnakeCollision { FooBar = 1, Foo_Bar = 2 };

        Assert.Equal(["FooBar", "Foo_Bar"], value.ToFeatures().Select(f => f.Name)); // distinct without a policy
        var ex = Assert.Throws<InvalidOperationException>(() => value.ToFeatures(JsonNamingPolicy.SnakeCaseLower));
        Assert.Contains("SnakeCollision.FooBar", ex.Message, StringComparison.Ordinal);
        Assert.Contains("SnakeCollision.Foo_Bar", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'foo_bar'", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ScouterDataException>(() => ColumnTable.FromObjects([value], JsonNamingPolicy.SnakeCaseLower));
    }

    [Fact]
    public void ToFeatures_AttributeNameTakenByAnotherMember_Throws()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => new AttributeCollision { Years = 1, Age = 2 }.ToFeatures());

        Assert.Contains("'Age'", ex.Message, StringComparison.Ordinal);
    }
}
