using System.Collections.Frozen;
using System.IO.Compression;
using System.Security.Cryptography;
using Microsoft.AspNetCore.StaticFiles;

namespace Scouter.Server.Dashboard;

/// <summary>One file of the built dashboard, with its gzip form and validator.</summary>
internal sealed record DashboardAsset(string Path, string ContentType, byte[] Content, byte[] Gzip, string ETag);

/// <summary>
/// The dashboard's built files (Vite's <c>dist/</c>), embedded in this assembly by the project file
/// as resources named <c>dashboard/…</c>, so the server serves the same bytes whether it runs from
/// <c>Program</c>, the installed <c>scouter</c> tool or a test. Read and gzipped once, on first use.
/// </summary>
internal sealed class DashboardAssets
{
    private const string Prefix = "dashboard/";

    private static readonly Lazy<DashboardAssets> Embedded = new(() => Load(typeof(DashboardAssets).Assembly));

    private readonly FrozenDictionary<string, DashboardAsset> _files;

    private DashboardAssets(FrozenDictionary<string, DashboardAsset> files) => _files = files;

    /// <summary>The assets embedded in the server assembly.</summary>
    public static DashboardAssets Instance => Embedded.Value;

    /// <summary>False when the server was built without the dashboard (<c>-p:ScouterSkipDashboard=true</c>).</summary>
    public bool Built => _files.ContainsKey("index.html");

    public DashboardAsset? Find(string path) => _files.GetValueOrDefault(path);

    private static DashboardAssets Load(System.Reflection.Assembly assembly)
    {
        var types = new FileExtensionContentTypeProvider();
        var files = new Dictionary<string, DashboardAsset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var content = buffer.ToArray();
            var path = name[Prefix.Length..].Replace('\\', '/');
            var type = types.TryGetContentType(path, out var known) ? known : "application/octet-stream";
            if (type.StartsWith("text/", StringComparison.Ordinal) || type is "application/javascript" or "text/javascript" or "application/json" or "image/svg+xml")
                type += "; charset=utf-8";
            files[path] = new DashboardAsset(path, type, content, Compress(content), "\"" + Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 12)) + "\"");
        }
        return new DashboardAssets(files.ToFrozenDictionary(StringComparer.Ordinal));
    }

    private static byte[] Compress(byte[] content)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true)) gzip.Write(content);
        return output.ToArray();
    }
}
