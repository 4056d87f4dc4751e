using System.IO.Compression;
using System.Xml.Linq;
using Xunit;

[assembly: AssemblyFixture(typeof(Scouter.Packaging.Tests.PackedPackages))]

namespace Scouter.Packaging.Tests;

/// <summary>
/// The shipped packages, packed once per run from the built projects into a temporary folder with a
/// version of their own, so a restore never meets a copy of an earlier run in a NuGet cache.
/// </summary>
public sealed class PackedPackages : IAsyncLifetime
{
    /// <summary>Every package the repository ships.</summary>
    public static readonly string[] Shipped =
    [
        "Scouter.Core", "Scouter.Profiling", "Scouter.Client", "Scouter.Hosting", "Scouter.AspNetCore",
        "Scouter.Kafka", "Scouter.RabbitMQ", "Scouter.Redis", "Scouter.Testing", "Scouter.Cli",
    ];

    private readonly string _root = Directory.CreateTempSubdirectory("scouter-packages-").FullName;

    public string Folder => Path.Combine(_root, "feed");

    public string Version { get; } = "0.1.0-test.g" + Guid.NewGuid().ToString("N")[..12];

    public async ValueTask InitializeAsync()
    {
        // One pack of the repository's own solution, as the README says, with the build skipped.
        await DotnetCli.RunAsync(DotnetCli.RepositoryRoot, null, TestContext.Current.CancellationToken,
            "pack", "Scouter.slnx", "--no-build", "-c", DotnetCli.Configuration, $"-p:PackageVersion={Version}",
            $"-p:PackageOutputPath={Folder}{Path.DirectorySeparatorChar}");
    }

    public ValueTask DisposeAsync()
    {
        try { Directory.Delete(_root, recursive: true); }
        catch (IOException) { /* a file still held by an exiting process; the folder is under the temp directory */ }
        return ValueTask.CompletedTask;
    }

    public string PackagePath(string id) => Path.Combine(Folder, $"{id}.{Version}.nupkg");

    /// <summary>The package's nuspec metadata element.</summary>
    public XElement Metadata(string id)
    {
        using var zip = ZipFile.OpenRead(PackagePath(id));
        var entry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var stream = entry.Open();
        var doc = XDocument.Load(stream);
        return doc.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    public IReadOnlyList<string> Entries(string id)
    {
        using var zip = ZipFile.OpenRead(PackagePath(id));
        return [.. zip.Entries.Select(e => e.FullName)];
    }

    /// <summary>A throwaway folder for one test's app or tool.</summary>
    public string NewWorkFolder(string name) => Directory.CreateDirectory(Path.Combine(_root, name + "-" + Guid.NewGuid().ToString("N")[..8])).FullName;
}
