using System.Globalization;

namespace Scouter.Load;

/// <summary>Command-line settings of the load harness.</summary>
internal sealed record LoadSettings(string? Url, string? DatabaseUri, string Password, int Senders, int Seconds, int RecordsPerBatch, int Features,
    string Transport, string? BrokerAddress)
{
    public static readonly string[] Transports = ["http", "kafka", "rabbitmq", "redis"];

    public static readonly string[] Scenarios = ["throughput", "header-flood"];

    /// <summary><c>throughput</c> (default) or <c>header-flood</c> (see <see cref="HeaderFlood"/>).</summary>
    public string Scenario { get; init; } = "throughput";

    /// <summary>header-flood: requests that send only their headers and then hold.</summary>
    public int Held { get; init; } = 60;

    /// <summary>header-flood: the Content-Length those requests declare, in MiB.</summary>
    public int DeclaredMib { get; init; } = 60;

    /// <summary>The server's GC heap limit in MiB (<c>DOTNET_GCHeapHardLimit</c>); 0 for none. Only for a server the harness starts.</summary>
    public int HeapLimitMib { get; init; }

    public static LoadSettings Parse(string[] args)
    {
        string? Get(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        int Int(string name, int fallback) => Get(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var transport = Get("--transport") ?? "http";
        if (!Transports.Contains(transport)) throw new ArgumentException($"--transport '{transport}' must be one of {string.Join(", ", Transports)}.");
        var scenario = Get("--scenario") ?? "throughput";
        if (!Scenarios.Contains(scenario)) throw new ArgumentException($"--scenario '{scenario}' must be one of {string.Join(", ", Scenarios)}.");
        var flood = scenario == "header-flood";
        return new LoadSettings(Get("--url"), Get("--database-uri"), Get("--password") ?? "load-test-admin-password", Int("--senders", flood ? 4 : 32),
            Int("--seconds", flood ? 15 : 30), Int("--records", 200), Int("--features", 20), transport, Get("--broker"))
        {
            Scenario = scenario,
            Held = Int("--held", 60),
            DeclaredMib = Int("--declared-mib", 60),
            HeapLimitMib = Int("--heap-limit-mib", flood ? 512 : 0),
        };
    }
}
