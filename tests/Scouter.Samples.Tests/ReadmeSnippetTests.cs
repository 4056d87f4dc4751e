using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Scouter.Samples.Tests;

/// <summary>
/// Every C# block of the README, and of each package's README (the one a package feed shows), compiles as pasted into a new console app (a web app for a block that
/// builds a <c>WebApplication</c>): that SDK's implicit usings, nullable on, and the Scouter packages
/// (plus ASP.NET Core) referenced.
/// </summary>
public sealed partial class ReadmeSnippetTests
{
    private const string ConsoleUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    private const string WebUsings = """
        global using System.Net.Http.Json;
        global using Microsoft.AspNetCore.Builder;
        global using Microsoft.AspNetCore.Hosting;
        global using Microsoft.AspNetCore.Http;
        global using Microsoft.AspNetCore.Routing;
        global using Microsoft.Extensions.Configuration;
        global using Microsoft.Extensions.DependencyInjection;
        global using Microsoft.Extensions.Hosting;
        global using Microsoft.Extensions.Logging;
        """;

    private static readonly Lazy<MetadataReference[]> References = new(() =>
        [.. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).Select(p => MetadataReference.CreateFromFile(p))]);

    public static TheoryData<string, int> BlockLines => [.. Readmes().SelectMany(file => Blocks(file).Select(b => (file, b.Line)))];

    [Fact]
    public void TheReadme_HasCSharpBlocks() => Assert.True(Blocks("README.md").Count >= 3, $"found {Blocks("README.md").Count} C# blocks in README.md");

    [Fact]
    public void PackageReadmes_AreFound() => Assert.True(Readmes().Count() >= 9, $"found {string.Join(", ", Readmes())}");

    [Theory]
    [MemberData(nameof(BlockLines))]
    public void CSharpBlock_CompilesAsPasted(string file, int line)
    {
        var code = Blocks(file).Single(b => b.Line == line).Code;
        var usings = ConsoleUsings + (code.Contains("WebApplication", StringComparison.Ordinal) ? "\n" + WebUsings : "");
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var compilation = CSharpCompilation.Create($"readme_line_{line}",
            [CSharpSyntaxTree.ParseText(usings, parse, "GlobalUsings.g.cs"), CSharpSyntaxTree.ParseText(code, parse, $"{file} block at line {line}")],
            References.Value,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));

        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();

        Assert.True(errors.Count == 0, $"{file}'s C# block at line {line} does not compile:\n{string.Join("\n", errors)}");
    }

    /// <summary>The repository's README and the packages' READMEs, relative to the repository root.</summary>
    private static IEnumerable<string> Readmes() =>
        new[] { "README.md" }.Concat(Directory.GetDirectories(Path.Combine(RepositoryRoot(), "src"))
            .Where(d => File.Exists(Path.Combine(d, "README.md")))
            .Select(d => $"src/{Path.GetFileName(d)}/README.md")
            .Order(StringComparer.Ordinal));

    /// <summary>The <c>```csharp</c> blocks of <paramref name="file"/> with the line of their fence.</summary>
    private static List<(int Line, string Code)> Blocks(string file)
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot(), file));
        var blocks = new List<(int, string)>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (!CSharpFence().IsMatch(lines[i])) continue;
            var start = i;
            var body = new List<string>();
            for (i++; i < lines.Length && lines[i].TrimEnd() != "```"; i++) body.Add(lines[i]);
            blocks.Add((start + 1, string.Join('\n', body)));
        }
        return blocks;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Scouter.slnx")) && File.Exists(Path.Combine(dir.FullName, "README.md"))) return dir.FullName;
        }
        throw new FileNotFoundException("README.md next to Scouter.slnx not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"^```(csharp|cs|c#)\s*$")]
    private static partial Regex CSharpFence();
}
