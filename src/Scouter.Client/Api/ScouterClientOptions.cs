namespace Scouter.Client;

/// <summary>
/// Settings of <see cref="ScouterClient"/>. Unset values come from environment variables when the
/// client is built; values set in code win.
/// </summary>
public sealed class ScouterClientOptions
{
    /// <summary>Default server address when neither code nor <c>SCOUTER_SERVER_URI</c> / <c>SCOUTER_SERVER_URL</c> sets one.</summary>
    public const string DefaultServerUri = "http://localhost:8000";

    /// <summary>
    /// Server base address, e.g. <c>https://scouter.example.com</c>. Default: <c>SCOUTER_SERVER_URI</c>, else
    /// <c>SCOUTER_SERVER_URL</c> (the name the Python client reads), else <c>http://localhost:8000</c>.
    /// </summary>
    public string? ServerUri { get; set; }

    /// <summary>API key sent as <c>X-Scouter-Api-Key</c>; takes precedence over user name and password. Default: <c>SCOUTER_API_KEY</c>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>User name for token login. Default: <c>SCOUTER_USERNAME</c>.</summary>
    public string? Username { get; set; }

    /// <summary>Password for token login. Default: <c>SCOUTER_PASSWORD</c>.</summary>
    public string? Password { get; set; }

    /// <summary>Timeout of each HTTP request. Default 30 s; must be positive or <see cref="Timeout.InfiniteTimeSpan"/>.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Clock used for token expiry. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>Fills unset values from the environment and validates them.</summary>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it.</exception>
    internal ResolvedClientSettings Resolve() =>
        ResolvedClientSettings.Create(ServerUri, ApiKey, Username, Password, Timeout, TimeProvider, nameof(ServerUri));
}

/// <summary>Validated client settings shared by <see cref="ScouterClient"/> and <see cref="HttpTransport"/>.</summary>
internal sealed record ResolvedClientSettings(Uri ApiBase, string? ApiKey, string? Username, string? Password, TimeSpan Timeout, TimeProvider Time)
{
    /// <summary>
    /// Fills unset values from the environment (read through <paramref name="environment"/>, default the
    /// process environment; tests pass their own) and validates them. The server address comes from code,
    /// else <c>SCOUTER_SERVER_URI</c>, else <c>SCOUTER_SERVER_URL</c>, else the default.
    /// </summary>
    public static ResolvedClientSettings Create(string? serverUri, string? apiKey, string? username, string? password, TimeSpan timeout, TimeProvider? time,
        string uriSetting, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        string? Env(string? value, string variable) =>
            !string.IsNullOrWhiteSpace(value) ? value : environment(variable) is { Length: > 0 } env ? env : null;

        var (uriText, uriSource) = (serverUri, Env(null, "SCOUTER_SERVER_URI"), Env(null, "SCOUTER_SERVER_URL")) switch
        {
            ({ } configured, _, _) when !string.IsNullOrWhiteSpace(configured) => (configured, $"{uriSetting} (SCOUTER_SERVER_URI)"),
            (_, { } uriVariable, _) => (uriVariable, "SCOUTER_SERVER_URI"),
            (_, _, { } urlVariable) => (urlVariable, "SCOUTER_SERVER_URL"),
            _ => (ScouterClientOptions.DefaultServerUri, uriSetting),
        };
        if (!Uri.TryCreate(uriText, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"{uriSource} must be an absolute http or https URI, got '{uriText}'.", uriSetting);
        }
        if (timeout <= TimeSpan.Zero && timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException($"Timeout must be positive, got {timeout}.", nameof(timeout));
        }
        var key = Env(apiKey, "SCOUTER_API_KEY");
        var user = Env(username, "SCOUTER_USERNAME");
        var pass = Env(password, "SCOUTER_PASSWORD");
        if (key is null && user is not null && pass is null)
        {
            throw new ArgumentException("Password (SCOUTER_PASSWORD) is required when Username is set.", nameof(password));
        }
        var apiBase = new Uri(uri.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/api/v1/");
        return new ResolvedClientSettings(apiBase, key, key is null ? user : null, key is null ? pass : null, timeout, time ?? TimeProvider.System);
    }

    /// <summary>Never prints the secrets.</summary>
    public override string ToString() => $"ResolvedClientSettings {{ ApiBase = {ApiBase}, ApiKey = {(ApiKey is null ? "none" : "***")}, Username = {Username} }}";
}
