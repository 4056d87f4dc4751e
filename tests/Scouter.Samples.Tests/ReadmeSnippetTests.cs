using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Scouter.Samples.Tests;

/// <summary>
/// Every C# block of the README compiles as pasted into a new console app (a web app for a block that
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

    public static TheoryData<int> BlockLines => [.. Blocks().Select(b => b.Line)];

    [Fact]
    public void TheReadme_HasCSharpBlocks() => Assert.True(Blocks().Count >= 3, $"found {Blocks().Count} C# blocks in README.md");

    [Theory]
    [MemberData(nameof(BlockLines))]
    public void CSharpBlock_CompilesAsPasted(int line)
    {
        var code = Blocks().Single(b => b.Line == line).Code;
        var usings = ConsoleUsings + (code.Contains("WebApplication", StringComparison.Ordinal) ? "\n" + WebUsings : "");
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var compilation = CSharpCompilation.Create($"readme_line_{line}",
            [CSharpSyntaxTree.ParseText(usings, parse, "GlobalUsings.g.cs"), CSharpSyntaxTree.ParseText(code, parse, $"README.md block at line {line}")],
            References.Value,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));

        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();

        Assert.True(errors.Count == 0, $"README.md's C# block at line {line} does not compile:\n{string.Join("\n", errors)}");
    }

    /// <summary>The README's <c>```csharp</c> blocks with the line of their fence.</summary>
    private static List<(int Line, string Code)> Blocks()
    {
        var lines = File.ReadAllLines(ReadmePath());
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

    private static string ReadmePath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var readme = Path.Combine(dir.FullName, "README.md");
            if (File.Exists(Path.Combine(dir.FullName, "Scouter.slnx")) && File.Exists(readme)) return readme;
        }
        throw new FileNotFoundException("README.md next to Scouter.slnx not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"^```(csharp|cs|c#)\s*$")]
    private static partial Regex CSharpFence();
}
