using System.Text.Json;

namespace Scouter.Packaging.Tests;

/// <summary>
/// A console app outside the repository that takes packages from the packed folder (and everything
/// else from the configured registry), restored with <c>dotnet restore</c>; what it would ship is
/// read from its <c>project.assets.json</c>.
/// </summary>
internal sealed class RestoredApp
{
    private RestoredApp(IReadOnlySet<string> packages, IReadOnlySet<string> frameworks)
    {
        Packages = packages;
        FrameworkReferences = frameworks;
    }

    /// <summary>Every package in the app's dependency closure, by id (case-insensitive).</summary>
    public IReadOnlySet<string> Packages { get; }

    /// <summary>Shared frameworks the app and its packages need (besides Microsoft.NETCore.App).</summary>
    public IReadOnlySet<string> FrameworkReferences { get; }

    public static async Task<RestoredApp> RestoreAsync(PackedPackages packed, string name, IEnumerable<string> packageIds, CancellationToken ct)
    {
        var dir = packed.NewWorkFolder(name);
        var globalPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var references = string.Concat(packageIds.Select(id => $"""    <PackageReference Include="{id}" Version="{packed.Version}" />""" + "\n"));
        // Its own packages folder keeps the test's versions out of the user's cache; the cache is only read.
        await File.WriteAllTextAsync(Path.Combine(dir, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <RestorePackagesPath>{Path.Combine(dir, "packages")}</RestorePackagesPath>
                <RestoreAdditionalProjectFallbackFolders>{globalPackages}</RestoreAdditionalProjectFallbackFolders>
              </PropertyGroup>
              <ItemGroup>
            {references}  </ItemGroup>
            </Project>
            """, ct);
        await File.WriteAllTextAsync(Path.Combine(dir, "Program.cs"), "System.Console.WriteLine(\"hello\");\n", ct);
        await File.WriteAllTextAsync(Path.Combine(dir, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="scouter-packed" value="{packed.Folder}" />
              </packageSources>
            </configuration>
            """, ct);
        await DotnetCli.RunAsync(dir, null, ct, "restore");

        using var assets = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(dir, "obj", "project.assets.json"), ct));
        var packages = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var library in assets.RootElement.GetProperty("libraries").EnumerateObject())
        {
            if (library.Value.GetProperty("type").GetString() == "package") packages.Add(library.Name.Split('/')[0]);
        }
        var frameworks = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var target in assets.RootElement.GetProperty("targets").EnumerateObject())
        {
            foreach (var library in target.Value.EnumerateObject())
            {
                if (library.Value.TryGetProperty("frameworkReferences", out var refs))
                    foreach (var framework in refs.EnumerateArray()) frameworks.Add(framework.GetString()!);
            }
        }
        foreach (var framework in assets.RootElement.GetProperty("project").GetProperty("frameworks").EnumerateObject())
        {
            if (framework.Value.TryGetProperty("frameworkReferences", out var refs))
                foreach (var reference in refs.EnumerateObject()) frameworks.Add(reference.Name);
        }
        frameworks.Remove("Microsoft.NETCore.App");
        return new RestoredApp(packages, frameworks);
    }
}
