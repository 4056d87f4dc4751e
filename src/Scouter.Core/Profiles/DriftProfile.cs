using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Scouter.Serialization;

namespace Scouter;

/// <summary>
/// A drift profile: the baseline the server compares live data with. Serialized as JSON,
/// polymorphic on <c>drift_type</c>; <see cref="Save"/> and <see cref="Load"/> round-trip exactly.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "drift_type")]
[JsonDerivedType(typeof(PsiDriftProfile), "psi")]
[JsonDerivedType(typeof(SpcDriftProfile), "spc")]
[JsonDerivedType(typeof(CustomDriftProfile), "custom")]
[JsonDerivedType(typeof(LlmDriftProfile), "llm")]
public abstract class DriftProfile
{
    private protected DriftProfile(string? scouterVersion, DateTimeOffset createdAt)
    {
        // Both are stamps, not content: a hand-written profile may leave them out.
        ScouterVersion = scouterVersion is null ? CurrentVersion : Guard.Name("scouter_version", scouterVersion);
        CreatedAt = createdAt == default ? TimeProvider.System.GetUtcNow() : createdAt;
    }

    /// <summary>The profile's identity and alert settings.</summary>
    public abstract DriftConfig Config { get; }

    /// <summary>The drift type (also the JSON discriminator).</summary>
    [JsonIgnore]
    public DriftType DriftType => Config.DriftType;

    /// <summary>Version of Scouter that created the profile (default: this library's version).</summary>
    public string ScouterVersion { get; }

    /// <summary>When the profile was created (UTC; default: when it was built or loaded).</summary>
    public DateTimeOffset CreatedAt { get; }

    internal static string CurrentVersion { get; } =
        typeof(DriftProfile).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>The profile as indented snake_case JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, ScouterJsonContext.Profile);

    /// <summary>Writes the profile to <paramref name="path"/> atomically (temp file, then rename).</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + ".tmp";
        using (var stream = File.Create(temp))
        {
            JsonSerializer.Serialize(stream, this, ScouterJsonContext.Profile);
        }
        File.Move(temp, full, overwrite: true);
    }

    /// <summary>Parses a profile of any drift type; invalid JSON or values throw <see cref="ScouterDataException"/>.</summary>
    public static DriftProfile FromJson(string json, string source = "profile")
    {
        ArgumentNullException.ThrowIfNull(json);
        return Parse(() => JsonSerializer.Deserialize(json, ScouterJsonContext.Profile), source);
    }

    /// <summary>Reads a profile of any drift type from <paramref name="path"/>.</summary>
    public static DriftProfile Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new ScouterDataException("file not found", path);
        return Parse(() =>
        {
            using var stream = File.OpenRead(path);
            return JsonSerializer.Deserialize(stream, ScouterJsonContext.Profile);
        }, path);
    }

    private protected static T LoadAs<T>(string path) where T : DriftProfile => Load(path) switch
    {
        T typed => typed,
        var other => throw new ScouterDataException($"expected a {typeof(T).Name} but the file holds a {other.GetType().Name}", path),
    };

    private static DriftProfile Parse(Func<DriftProfile?> read, string source)
    {
        try
        {
            return read() ?? throw new ScouterDataException("the profile is null", source);
        }
        catch (JsonException ex)
        {
            var where = ex.Path is null ? string.Empty : $" at {ex.Path}";
            throw new ScouterDataException($"invalid profile JSON{where}: {ex.Message.Split(" Path:", 2)[0]}", source, inner: ex);
        }
        catch (ScouterConfigException ex)
        {
            throw new ScouterDataException($"invalid profile: {ex.Message}", source, ex.ParamName, inner: ex);
        }
        catch (ArgumentException ex)
        {
            throw new ScouterDataException($"invalid profile: {ex.Message}", source, inner: ex);
        }
    }
}
