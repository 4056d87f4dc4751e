using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Scouter.Load;

/// <summary>The server as a separate process (Release build of src/Scouter.Server), on a free port.</summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dataDir;

    private ServerProcess(Process process, string url, string dataDir)
    {
        _process = process;
        Url = url;
        _dataDir = dataDir;
    }

    public string Url { get; }

    /// <summary>The exit code once the server process has ended (e.g. crashed), else null.</summary>
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>
    /// The server's memory now, in bytes: resident (RSS) and committed private writable memory (Linux VmData,
    /// which includes heap the GC committed but nothing has touched yet, such as a fresh large array); null once it has exited.
    /// </summary>
    public (long Resident, long Committed)? Memory()
    {
        try
        {
            var status = File.ReadAllLines($"/proc/{_process.Id}/status");
            long Kib(string field) => long.Parse(status.First(l => l.StartsWith(field, StringComparison.Ordinal))[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            return (Kib("VmRSS:"), Kib("VmData:"));
        }
        catch (IOException)
        {
            return null;
        }
    }

    public static async Task<ServerProcess> StartAsync(LoadSettings settings, IReadOnlyDictionary<string, string> environment)
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Scouter.slnx"))) root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("repository root not found");
        var dll = Path.Combine(root, "src", "Scouter.Server", "bin", "Release", "net10.0", "Scouter.Server.dll");
        if (!File.Exists(dll)) throw new InvalidOperationException($"build the server first: dotnet build -c Release src/Scouter.Server ({dll} missing)");
        var port = FreePort();
        var dataDir = Directory.CreateTempSubdirectory("scouter-load-").FullName;
        var start = new ProcessStartInfo("dotnet", [dll]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["SCOUTER_PORT"] = port.ToString(CultureInfo.InvariantCulture);
        start.Environment["SCOUTER_DATA_DIR"] = dataDir;
        start.Environment["SCOUTER_ADMIN_PASSWORD"] = settings.Password;
        start.Environment["SCOUTER_JWT_SECRET"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48));
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        if (settings.DatabaseUri is not null) start.Environment["SCOUTER_DATABASE_URI"] = settings.DatabaseUri;
        if (settings.HeapLimitMib > 0) start.Environment["DOTNET_GCHeapHardLimit"] = "0x" + ((long)settings.HeapLimitMib * 1024 * 1024).ToString("x", CultureInfo.InvariantCulture);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        var process = Process.Start(start)!;
        // SCOUTER_LOAD_SERVER_LOG=1 shows the server's console log too (with Logging__LogLevel__* to raise it).
        var showLog = Environment.GetEnvironmentVariable("SCOUTER_LOAD_SERVER_LOG") == "1";
        process.OutputDataReceived += (_, e) => { if (showLog && e.Data is not null) Console.Error.WriteLine("server: " + e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("server: " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var url = $"http://127.0.0.1:{port}";
        using var probe = new HttpClient();
        for (var i = 0; i < 100; i++)
        {
            try
            {
                if ((await probe.GetAsync(url + "/readyz")).IsSuccessStatusCode) return new ServerProcess(process, url, dataDir);
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(200);
        }
        process.Kill(entireProcessTree: true);
        throw new InvalidOperationException("the server did not become ready in 20 s");
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { }
    }
}
