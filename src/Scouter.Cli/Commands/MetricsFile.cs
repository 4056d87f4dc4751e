using System.Text.Json;
using System.Text.Json.Nodes;

namespace Scouter.Cli.Commands;

/// <summary>
/// Builds a custom or LLM profile from a metrics file (docs/cli.md "Metrics files"):
/// <c>{"metrics": [...], "assertions": [...], "config": {...}}</c> in the profile JSON's own shape, so the
/// profile is read by Core's one profile reader and its errors name the JSON path in the file.
/// </summary>
internal static class MetricsFile
{
    /// <summary>The file's keys for <paramref name="driftType"/> (<c>custom</c> or <c>llm</c>).</summary>
    private static string[] AllowedKeys(string driftType) => driftType == "llm" ? ["metrics", "assertions", "config"] : ["metrics", "config"];

    /// <summary>
    /// Reads <paramref name="path"/> and returns the profile; <paramref name="space"/>, <paramref name="name"/> and
    /// <paramref name="version"/> (when given) override the file's <c>config</c>.
    /// </summary>
    /// <exception cref="ScouterDataException">The file is missing, not JSON, or not a valid metrics file (naming the file and field).</exception>
    public static DriftProfile Read(string path, string driftType, string? space, string name, string? version)
    {
        if (!File.Exists(path)) throw new ScouterDataException("file not found", path);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException ex)
        {
            throw new ScouterDataException("not valid JSON: " + ex.Message, path);
        }
        if (root is not JsonObject file) throw new ScouterDataException("a metrics file is a JSON object with a \"metrics\" list", path);
        var allowed = AllowedKeys(driftType);
        if (file.Select(p => p.Key).FirstOrDefault(k => !allowed.Contains(k)) is { } unknown)
            throw new ScouterDataException($"unknown key \"{unknown}\" (a {driftType} metrics file has {string.Join(", ", allowed)})", path);
        if (file["metrics"] is not JsonArray)
            throw new ScouterDataException("\"metrics\" must be a list of metrics" + (driftType == "llm" ? " (it may be empty when \"assertions\" are given)" : ""), path);
        var config = file["config"] switch
        {
            null => new JsonObject(),
            JsonObject c => (JsonObject)c.DeepClone(),
            _ => throw new ScouterDataException("\"config\" must be an object", path),
        };
        if (space is not null || config["space"] is null) config["space"] = space ?? "default";
        config["name"] = name;
        if (version is not null || config["version"] is null) config["version"] = version ?? "0.1.0";

        var profile = new JsonObject
        {
            ["drift_type"] = driftType,
            ["config"] = config,
            ["metrics"] = file["metrics"]!.DeepClone(),
        };
        if (file["assertions"] is { } assertions) profile["assertions"] = assertions.DeepClone();
        return DriftProfile.FromJson(profile.ToJsonString(), path);
    }
}
