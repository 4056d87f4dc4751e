using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace Scouter.IntegrationTests.Redis;

/// <summary>
/// A redis-server of a test's own (free loopback port, own directory, append-only file with fsync on every
/// write, as scripts/services.sh runs the shared one), so it can be killed and restarted without touching
/// the shared server.
/// </summary>
public sealed class RedisProcess : IAsyncDisposable
{
    private readonly string _dir;
    private Process? _process;

    private readonly string[] _extraArguments;

    private RedisProcess(int port, string dir, string[] extraArguments)
    {
        Port = port;
        _dir = dir;
        _extraArguments = extraArguments;
    }

    /// <summary>The loopback port.</summary>
    public int Port { get; }

    /// <summary><c>127.0.0.1:port</c>.</summary>
    public string Address => $"127.0.0.1:{Port}";

    /// <summary>Starts a server on a free port in a new temporary directory, with <paramref name="extraArguments"/> (e.g. <c>--requirepass</c>).</summary>
    public static async Task<RedisProcess> StartAsync(params string[] extraArguments)
    {
        var redis = new RedisProcess(FreePort(), Directory.CreateTempSubdirectory("scouter-redis-").FullName, extraArguments);
        await redis.RestartAsync();
        return redis;
    }

    /// <summary>A loopback port nothing listens on (right now).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts the server again on the same port and directory (it replays its append-only file).</summary>
    public async Task RestartAsync()
    {
        if (_process is { HasExited: false }) throw new InvalidOperationException("redis-server is already running");
        var start = new ProcessStartInfo("redis-server")
        {
            ArgumentList =
            {
                "--bind", "127.0.0.1", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--dir", _dir,
                "--appendonly", "yes", "--appendfsync", "always", "--save", "", "--logfile", Path.Combine(_dir, "redis.log"),
            },
            UseShellExecute = false,
        };
        foreach (var argument in _extraArguments) start.ArgumentList.Add(argument);
        var password = Array.IndexOf(_extraArguments, "--requirepass") is var at and >= 0 ? _extraArguments[at + 1] : null;
        try
        {
            _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("redis-server not found: run scripts/services.sh to install it.", ex);
        }

        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using var probe = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions { EndPoints = { Address }, ConnectTimeout = 1_000, Password = password });
                await probe.GetDatabase().PingAsync();
                return;
            }
            catch (RedisConnectionException) when (deadline.Elapsed < TimeSpan.FromSeconds(15) && !_process.HasExited)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>Kills the server (SIGKILL: no shutdown, no final fsync) and waits for it to exit.</summary>
    public async Task KillAsync()
    {
        if (_process is not { HasExited: false } process) return;
        process.Kill();
        await process.WaitForExitAsync();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
