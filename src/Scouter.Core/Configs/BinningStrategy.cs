using System.Text.Json.Serialization;

namespace Scouter;

/// <summary>How numeric PSI features are binned.</summary>
public enum BinningKind
{
    /// <summary>R-7 quantile edges (the default).</summary>
    [JsonStringEnumMemberName("quantile")] Quantile,

    /// <summary>Equal-width bins between min and max; the bin count comes from <see cref="EqualWidthMethod"/>.</summary>
    [JsonStringEnumMemberName("equal_width")] EqualWidth,
}

/// <summary>How many equal-width bins to use (see spec/drift-math.md 1.2).</summary>
public enum EqualWidthMethod
{
    /// <summary>The configured <see cref="BinningStrategy.NumBins"/>.</summary>
    [JsonStringEnumMemberName("manual")] Manual,
    /// <summary>ceil(sqrt(n)).</summary>
    [JsonStringEnumMemberName("square_root")] SquareRoot,
    /// <summary>ceil(log2 n) + 1.</summary>
    [JsonStringEnumMemberName("sturges")] Sturges,
    /// <summary>ceil(2 n^(1/3)).</summary>
    [JsonStringEnumMemberName("rice")] Rice,
    /// <summary>Doane's skewness-corrected Sturges (the default method).</summary>
    [JsonStringEnumMemberName("doane")] Doane,
    /// <summary>Scott's normal reference rule.</summary>
    [JsonStringEnumMemberName("scott")] Scott,
    /// <summary>round((2n)^(1/3)).</summary>
    [JsonStringEnumMemberName("terrell_scott")] TerrellScott,
    /// <summary>Freedman-Diaconis IQR rule.</summary>
    [JsonStringEnumMemberName("freedman_diaconis")] FreedmanDiaconis,
}

/// <summary>
/// The binning of numeric PSI features. Default: 10 quantile bins. Parse the CLI form with
/// <see cref="Parse"/> (<c>quantile</c>, <c>equal_width</c> or <c>equal_width:METHOD</c>).
/// </summary>
public sealed record BinningStrategy
{
    /// <summary>Quantile (default) or equal width.</summary>
    public BinningKind Kind { get; init; } = BinningKind.Quantile;

    /// <summary>Bins for quantile binning and for the <c>manual</c> equal-width method (default 10, at least 2).</summary>
    public int NumBins
    {
        get;
        init => field = Guard.AtLeast("num_bins", value, 2);
    } = 10;

    /// <summary>How equal-width binning picks its bin count (default <see cref="EqualWidthMethod.Doane"/>).</summary>
    public EqualWidthMethod Method { get; init; } = EqualWidthMethod.Doane;

    /// <summary>10 quantile bins.</summary>
    public static BinningStrategy Default { get; } = new();

    /// <summary>Quantile binning with <paramref name="numBins"/> bins.</summary>
    public static BinningStrategy Quantile(int numBins = 10) => new() { NumBins = numBins };

    /// <summary>Equal-width binning with the bin count chosen by <paramref name="method"/>.</summary>
    public static BinningStrategy EqualWidth(EqualWidthMethod method = EqualWidthMethod.Doane, int numBins = 10) =>
        new() { Kind = BinningKind.EqualWidth, Method = method, NumBins = numBins };

    /// <summary>Parses <c>quantile</c>, <c>equal_width</c> or <c>equal_width:METHOD</c> (snake_case method names).</summary>
    public static BinningStrategy Parse(string text, int numBins = 10)
    {
        var parts = (text ?? string.Empty).Trim().Split(':', 2);
        switch (parts[0])
        {
            case "quantile" when parts.Length == 1:
                return Quantile(numBins);
            case "equal_width":
                if (parts.Length == 1) return EqualWidth(numBins: numBins);
                foreach (var method in Enum.GetValues<EqualWidthMethod>())
                {
                    if (EnumNames.Of(method) == parts[1]) return EqualWidth(method, numBins);
                }
                throw new ScouterConfigException("binning", text,
                    "unknown equal-width method; expected one of " + string.Join(", ", Enum.GetValues<EqualWidthMethod>().Select(m => EnumNames.Of(m))));
            default:
                throw new ScouterConfigException("binning", text, "expected 'quantile' or 'equal_width[:METHOD]'");
        }
    }

    /// <inheritdoc />
    public override string ToString() => Kind == BinningKind.Quantile
        ? $"quantile({NumBins.ToString(System.Globalization.CultureInfo.InvariantCulture)})"
        : Method == EqualWidthMethod.Manual
            ? $"equal_width:manual({NumBins.ToString(System.Globalization.CultureInfo.InvariantCulture)})"
            : $"equal_width:{EnumNames.Of(Method)}";
}
