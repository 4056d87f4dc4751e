using System.Text.Json;

namespace Scouter.Core.Tests.Drift;

/// <summary>Loads shared/reference/vectors.json, which CI places beside the checkout.</summary>
internal static class ReferenceVectors
{
    private const string RelativePath = "shared/reference/vectors.json";

    private static readonly Lazy<JsonDocument> Document = new(Load);

    public static JsonElement Cases => Document.Value.RootElement.GetProperty("cases");

    public static string FindFile()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var inside = Path.Combine(dir.FullName, RelativePath);
            if (File.Exists(inside)) return inside;
            var beside = Path.Combine(dir.FullName, "..", RelativePath);
            if (File.Exists(beside)) return Path.GetFullPath(beside);
        }
        throw new FileNotFoundException(
            $"Cannot find {RelativePath} in or beside any parent of {AppContext.BaseDirectory}; check out the shared/ directory beside the repository.");
    }

    private static JsonDocument Load() => JsonDocument.Parse(File.ReadAllBytes(FindFile()));

    public static double[] Doubles(this JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetDouble())];

    public static int[] Ints(this JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetInt32())];

    /// <summary>A numeric column; JSON null is a missing value (NaN).</summary>
    public static double[] NullableDoubles(this JsonElement array) =>
        [.. array.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Null ? double.NaN : e.GetDouble())];

    public static string[] Strings(this JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];
}
