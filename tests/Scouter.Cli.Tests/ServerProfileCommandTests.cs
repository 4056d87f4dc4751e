using Xunit;

namespace Scouter.Cli.Tests;

public sealed class ServerProfileCommandTests(OperatorServer server) : IClassFixture<OperatorServer>, IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Register_List_Show_Activate_Deactivate_Download_RoundTrip()
    {
        using var session = server.AdminSession();
        var space = OperatorServer.UniqueSpace();
        var file = _dir.Combine("credit.json");
        Assert.Equal(0, (await CliRunner.RunAsync("profile", "create", "--type", "psi", "--input", CliRunner.SampleData("credit_train.csv"),
            "-o", file, "--space", space, "--name", "credit", "--version", "1.0.0", "--features", "age,income,region")).ExitCode);
        var local = PsiDriftProfile.Load(file);

        var registered = await session.JsonAsync("profile", "register", file);
        var uid = registered.GetProperty("uid").GetString()!;
        Assert.Equal(space, registered.GetProperty("space").GetString());
        Assert.Equal("psi", registered.GetProperty("drift_type").GetString());
        Assert.False(registered.GetProperty("active").GetBoolean());

        var list = await session.JsonAsync("profile", "list", "--space", space);
        var listed = Assert.Single(list.GetProperty("profiles").EnumerateArray());
        Assert.Equal(uid, listed.GetProperty("uid").GetString());
        Assert.Equal("credit", listed.GetProperty("name").GetString());

        var shown = DriftProfile.FromJson((await session.RunAsync("profile", "show", "--uid", uid, "--json")).Out, "stdout");
        var shownPsi = Assert.IsType<PsiDriftProfile>(shown);
        Assert.Equal(Guid.Parse(uid), shownPsi.Config.Uid);
        Assert.Equal(local.Features.Keys, shownPsi.Features.Keys);
        Assert.Equal(local.Features["age"].Edges, shownPsi.Features["age"].Edges);

        var table = await session.RunAsync("profile", "show", "--uid", uid);
        Assert.Equal(0, table.ExitCode);
        Assert.Contains("income", table.Out);
        Assert.Contains(uid, table.Out);

        Assert.True((await session.JsonAsync("profile", "activate", "--uid", uid)).GetProperty("active").GetBoolean());
        Assert.True((await session.JsonAsync("profile", "list", "--space", space)).GetProperty("profiles")[0].GetProperty("active").GetBoolean());
        Assert.False((await session.JsonAsync("profile", "deactivate", "--uid", uid)).GetProperty("active").GetBoolean());

        var downloaded = _dir.Combine("downloaded.json");
        var saved = await session.JsonAsync("profile", "download", "--space", space, "--name", "credit", "--version", "1.0.0", "--type", "psi", "-o", downloaded);
        Assert.Equal(uid, saved.GetProperty("uid").GetString());
        var loaded = PsiDriftProfile.Load(downloaded);
        Assert.Equal(shownPsi.ToJson(), loaded.ToJson());
        Assert.Equal(local.Features["region"].Categories, loaded.Features["region"].Categories);
    }

    [Fact]
    public async Task Register_WithActivate_IsActive_AndTextNamesTheUid()
    {
        using var session = server.AdminSession();
        var space = OperatorServer.UniqueSpace();
        var file = _dir.Combine("custom.json");
        OperatorServer.Mae(space).Save(file);

        var result = await session.RunAsync("profile", "register", file, "--activate");

        Assert.Equal(0, result.ExitCode);
        var listed = (await session.JsonAsync("profile", "list", "--space", space)).GetProperty("profiles")[0];
        Assert.True(listed.GetProperty("active").GetBoolean());
        Assert.Contains(listed.GetProperty("uid").GetString()!, result.Out);
        Assert.Contains("(active)", result.Out);
    }

    [Theory]
    [InlineData("profile", "show")]
    [InlineData("profile", "activate")]
    [InlineData("drift", "show")]
    [InlineData("check", "run")]
    public async Task UnknownUid_Exit3WithProfileNotFound(string group, string command)
    {
        using var session = server.AdminSession();

        var result = await session.RunAsync(group, command, "--uid", Guid.NewGuid().ToString());

        result.AssertFailed(3, "404", "profile_not_found");
        Assert.Empty(result.Out);
    }

    [Fact]
    public async Task Download_NoSuchVersion_Exit3WithProfileNotFound_AndNoFile()
    {
        using var session = server.AdminSession();
        var output = _dir.Combine("missing.json");

        var result = await session.RunAsync("profile", "download", "--space", OperatorServer.UniqueSpace(), "--name", "x", "--version", "9.9.9", "--type", "spc", "-o", output);

        result.AssertFailed(3, "profile_not_found");
        Assert.False(File.Exists(output));
    }

    [Theory]
    [InlineData("activate", "notaguid")]
    [InlineData("deactivate", "01234567-89ab")]
    public async Task Status_UidNotAGuid_Exit2OneLineNamingOptionAndValue(string command, string value)
    {
        using var session = server.AdminSession();

        var result = await session.RunAsync("profile", command, "--uid", value);

        result.AssertFailed(2, "--uid", value);
    }

    [Fact]
    public async Task Show_FileAndUid_Exit2_AndNeither_Exit2()
    {
        using var session = server.AdminSession();

        var both = await session.RunAsync("profile", "show", "p.json", "--uid", Guid.NewGuid().ToString());
        var neither = await session.RunAsync("profile", "show");

        both.AssertFailed(2, "--uid", "p.json");
        neither.AssertFailed(2, "FILE", "--uid");
    }

    [Fact]
    public async Task Show_LocalFile_StillWorksWithoutAServer()
    {
        var file = _dir.Combine("spc.json");
        Assert.Equal(0, (await CliRunner.RunAsync("profile", "create", "--type", "spc", "--input", CliRunner.SampleData("credit_train.csv"), "-o", file, "--features", "age")).ExitCode);

        var result = await CliRunner.RunAsync("profile", "show", file);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("age", result.Out);
        Assert.Empty(result.Error);
    }
}
