using System.Globalization;

namespace Scouter.Load;

/// <summary>Command-line settings of the load harness.</summary>
internal sealed record LoadSettings(string? Url, string? DatabaseUri, string Password, int Senders, int Seconds, int RecordsPerBatch, int Features,
    string Transport, string? BrokerAddress)
{
    public static readonly string[] Transports = ["http", "kafka", "rabbitmq", "redis"];

    public static LoadSettings Parse(string[] args)
    {
        string? Get(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        int Int(string name, int fallback) => Get(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var transport = Get("--transport") ?? "http";
        if (!Transports.Contains(transport)) throw new ArgumentException($"--transport '{transport}' must be one of {string.Join(", ", Transports)}.");
        return new LoadSettings(Get("--url"), Get("--database-uri"), Get("--password") ?? "load-test-admin-password", Int("--senders", 32), Int("--seconds", 30),
            Int("--records", 200), Int("--features", 20), transport, Get("--broker"));
    }
}
