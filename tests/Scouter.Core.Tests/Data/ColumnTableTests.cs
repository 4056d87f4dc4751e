using Scouter.Data;
using Xunit;

namespace Scouter.Core.Tests.Data;

public sealed class ColumnTableTests
{
    [Fact]
    public void FromColumns_Numeric_KeepsOrderAndValues()
    {
        var table = ColumnTable.FromColumns(new Dictionary<string, double[]> { ["a"] = [1, 2], ["b"] = [3, double.NaN] });

        Assert.Equal(2, table.RowCount);
        Assert.Equal(2, table.Count);
        Assert.Equal(["a", "b"], table.Select(c => c.Name));
        Assert.Equal(FeatureKind.Numeric, table["b"].Kind);
        Assert.Equal([3.0, double.NaN], ((NumericColumn)table[1]).AsMemory().ToArray());
    }

    [Fact]
    public void FromColumns_Categorical_BuildsCategoricalColumns()
    {
        var table = ColumnTable.FromColumns(new Dictionary<string, string?[]> { ["city"] = ["paris", null] });

        var city = Assert.IsType<CategoricalColumn>(table["city"]);
        Assert.Equal(["paris", null], city.Values);
        Assert.Equal(2, city.AsSpan().Length);
    }

    [Fact]
    public void Builder_MixesKindsAndAllowsZeroRows()
    {
        var table = new ColumnTable.Builder().AddNumeric("x", []).AddCategorical("y", []).Build();

        Assert.Equal(0, table.RowCount);
        Assert.IsType<NumericColumn>(table["x"]);
        Assert.IsType<CategoricalColumn>(table["y"]);
    }

    [Fact]
    public void Build_DifferentLengths_ReportsColumn()
    {
        var error = Assert.Throws<ScouterDataException>(() => new ColumnTable.Builder().AddNumeric("x", [1, 2]).AddCategorical("y", ["a"]).Build());

        Assert.Equal("y", error.Column);
        Assert.Contains("has 1 rows but column 'x' has 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_DuplicateName_ReportsColumn()
    {
        var error = Assert.Throws<ScouterDataException>(() => new ColumnTable.Builder().AddNumeric("x", [1]).AddCategorical("x", ["a"]).Build());

        Assert.Equal("x", error.Column);
        Assert.Contains("duplicate", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Build_EmptyName_IsRejected(string name)
    {
        Assert.Throws<ScouterDataException>(() => new ColumnTable.Builder().AddNumeric(name, [1]).Build());
    }

    [Fact]
    public void Build_NoColumns_IsRejected()
    {
        Assert.Throws<ScouterDataException>(() => new ColumnTable.Builder().Build());
    }

    [Fact]
    public void AddNumeric_NullValues_ReportsColumn()
    {
        var error = Assert.Throws<ScouterDataException>(() => new ColumnTable.Builder().AddNumeric("x", null!));

        Assert.Equal("x", error.Column);
    }

    [Fact]
    public void Indexer_UnknownName_ReportsNameAndListsColumns()
    {
        var table = ColumnTable.FromColumns(new Dictionary<string, double[]> { ["age"] = [1], ["income"] = [2] });

        var error = Assert.Throws<ScouterDataException>(() => table["Age"]);

        Assert.Equal("Age", error.Column);
        Assert.Contains("'age', 'income'", error.Message, StringComparison.Ordinal);
        Assert.False(table.TryGetColumn("Age", out _)); // case-sensitive
        Assert.True(table.TryGetColumn("age", out var age));
        Assert.Equal("age", age.Name);
    }
}
