using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Scouter.IntegrationTests.RabbitMQ;

/// <summary>
/// A dedicated RabbitMQ node for one test (own node name, AMQP and distribution ports, data and log
/// directories under a temp directory), so that stopping or killing it disturbs no other test. It can be
/// killed and started again on the same data directory, like a crashed broker coming back.
/// </summary>
internal sealed class RabbitMQNode : IAsyncDisposable
{
    private const string Bin = "/usr/lib/rabbitmq/bin";

    private readonly string _dir;
    private readonly string _nodeName;
    private readonly int _distPort;

    private RabbitMQNode(string dir, string nodeName, int amqpPort, int distPort)
    {
        _dir = dir;
        _nodeName = nodeName;
        AmqpPort = amqpPort;
        _distPort = distPort;
    }

    public int AmqpPort { get; }

    public string Address => string.Create(CultureInfo.InvariantCulture, $"amqp://guest:guest@127.0.0.1:{AmqpPort}/");

    public static async Task<RabbitMQNode> StartAsync(CancellationToken ct)
    {
        if (!File.Exists(Path.Combine(Bin, "rabbitmq-server")))
            throw new InvalidOperationException($"{Bin}/rabbitmq-server not found: run scripts/services.sh first (it installs RabbitMQ).");
        var dir = Directory.CreateTempSubdirectory("scouter-rabbitmq-node-").FullName;
        Directory.CreateDirectory(Path.Combine(dir, "mnesia"));
        Directory.CreateDirectory(Path.Combine(dir, "log"));
        var amqpPort = FreePort();
        var distPort = FreePort();
        await File.WriteAllTextAsync(Path.Combine(dir, "rabbitmq.conf"),
            string.Create(CultureInfo.InvariantCulture, $"loopback_users = none\nlisteners.tcp.1 = 127.0.0.1:{amqpPort}\n"), ct);
        await File.WriteAllTextAsync(Path.Combine(dir, "enabled_plugins"), "[].\n", ct);
        var node = new RabbitMQNode(dir, $"scouter-test-{Guid.NewGuid():N}"[..24] + "@localhost", amqpPort, distPort);
        await node.StartAgainAsync(ct);
        return node;
    }

    /// <summary>Starts the node (again) on its data directory and waits until it accepts connections.</summary>
    public async Task StartAgainAsync(CancellationToken ct)
    {
        File.Delete(PidFile);
        var log = Path.Combine(_dir, "log", "startup.log");
        using (var server = Process.Start(Info("/bin/sh", "-c", $"exec setsid {Bin}/rabbitmq-server >> '{log}' 2>&1 < /dev/null &")))
        {
            await server!.WaitForExitAsync(ct);
        }
        var exit = await RabbitMQCtlAsync(ct, "-q", "wait", "--timeout", "60", PidFile);
        if (exit != 0)
            throw new InvalidOperationException($"RabbitMQ node {_nodeName} did not start: {string.Join('\n', File.ReadLines(log).TakeLast(20))}");
    }

    /// <summary>Kills the node at once (SIGKILL), as a crash would: only what it had confirmed is on disk.</summary>
    public async Task KillAsync(CancellationToken ct)
    {
        var pid = int.Parse((await File.ReadAllTextAsync(PidFile, ct)).Trim(), CultureInfo.InvariantCulture);
        using var process = Process.GetProcessById(pid);
        process.Kill();
        await process.WaitForExitAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (File.Exists(PidFile))
        {
            var pid = int.Parse(File.ReadAllText(PidFile).Trim(), CultureInfo.InvariantCulture);
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
                await process.WaitForExitAsync();
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private string PidFile => Path.Combine(_dir, "pid");

    private async Task<int> RabbitMQCtlAsync(CancellationToken ct, params string[] args)
    {
        var info = Info(Path.Combine(Bin, "rabbitmqctl"), args);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        await Task.WhenAll(output, error);
        return process.ExitCode;
    }

    // The environment scripts/services.sh uses, with this node's name, ports and directories.
    private ProcessStartInfo Info(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file, args) { UseShellExecute = false, WorkingDirectory = _dir };
        info.Environment["RABBITMQ_NODENAME"] = _nodeName;
        info.Environment["RABBITMQ_DIST_PORT"] = _distPort.ToString(CultureInfo.InvariantCulture);
        info.Environment["ERL_EPMD_ADDRESS"] = "127.0.0.1";
        info.Environment["RABBITMQ_MNESIA_BASE"] = Path.Combine(_dir, "mnesia");
        info.Environment["RABBITMQ_LOG_BASE"] = Path.Combine(_dir, "log");
        info.Environment["RABBITMQ_PID_FILE"] = PidFile;
        info.Environment["RABBITMQ_CONFIG_FILE"] = Path.Combine(_dir, "rabbitmq");
        info.Environment["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(_dir, "enabled_plugins");
        info.Environment["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}";
        return info;
    }

    /// <summary>A free loopback port outside 35672-35682, where the RabbitMQ CLI tools bind their own distribution ports.</summary>
    private static int FreePort()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            if (port is < 35672 or > 35682) return port;
        }
    }
}
