using Scouter.Drift;
using Xunit;

namespace Scouter.Core.Tests.Drift;

public sealed class CategoriesTests
{
    [Fact]
    public void Sorted_UsesOrdinalOrder()
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal) { ["b"] = 1, ["a"] = 5, ["B"] = 2, ["é"] = 1, ["10"] = 1, ["9"] = 1 };

        Assert.Equal(["10", "9", "B", "a", "b", "é"], Categories.Sorted(counts, 100));
    }

    [Fact]
    public void Sorted_TooManyCategories_KeepsMostFrequentThenOther()
    {
        // Keep 3: d (9), then the ties at 5 in ordinal order: a, c; b (5) and e (1) fold.
        var counts = new Dictionary<string, long>(StringComparer.Ordinal) { ["e"] = 1, ["c"] = 5, ["b"] = 5, ["d"] = 9, ["a"] = 5 };

        Assert.Equal(["a", "b", "d", Categories.Other], Categories.Sorted(counts, 4));
    }

    [Fact]
    public void Sorted_ExactlyMaxCategories_HasNoOtherBin()
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal) { ["y"] = 1, ["x"] = 1 };

        Assert.Equal(["x", "y"], Categories.Sorted(counts, 2));
    }

    [Fact]
    public void Sorted_MaxCategoriesBelowTwo_Throws()
    {
        var error = Assert.Throws<ScouterConfigException>(() => Categories.Sorted(new Dictionary<string, long>(StringComparer.Ordinal), 1));

        Assert.Equal("max_categories", error.ParamName);
    }
}
