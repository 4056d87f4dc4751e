using System.Text.Json;
using Scouter.Client;

namespace Scouter.Cli.Connection;

/// <summary>What <c>scouter login</c> saves: a server and either an API key or a user name and password.</summary>
internal sealed record SavedLogin(string Server, string? ApiKey, string? Username, string? Password);

/// <summary>
/// The one place the server commands get their connection from. The server is <c>SCOUTER_SERVER_URI</c>, else
/// <c>SCOUTER_SERVER_URL</c>, else the saved login's. Credentials are <c>SCOUTER_API_KEY</c>, else
/// <c>SCOUTER_USERNAME</c> and <c>SCOUTER_PASSWORD</c>, else the saved login's, which are sent only to the
/// server they were saved for. The saved login is <c>credentials.json</c> in <c>SCOUTER_CONFIG_DIR</c>, else in
/// <c>scouter</c> under the user's application-data directory (<c>~/.config/scouter</c> on Linux).
/// </summary>
internal static class CliCredentials
{
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public static string FilePath(CliContext context)
    {
        var directory = context.Environment("SCOUTER_CONFIG_DIR") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.DoNotVerify), "scouter");
        return Path.Combine(directory, "credentials.json");
    }

    /// <summary>The saved login, or null when there is none.</summary>
    public static SavedLogin? Load(CliContext context)
    {
        var path = FilePath(context);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), CliJsonContext.Default.SavedLogin) is { Server.Length: > 0 } login
                ? login
                : throw new JsonException("no server");
        }
        catch (JsonException ex)
        {
            throw new ScouterConfigException(path, null, $"is not a saved login ({ex.Message}); run scouter login again");
        }
    }

    /// <summary>Writes the login readable by its owner only (mode 0600 in a 0700 directory on Unix), replacing any earlier one.</summary>
    public static string Save(CliContext context, SavedLogin login)
    {
        var path = FilePath(context);
        var directory = Path.GetDirectoryName(path)!;
        if (!Directory.Exists(directory))
        {
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(directory);
            else Directory.CreateDirectory(directory, OwnerOnlyDirectory);
        }
        // A fresh file created with the mode, then renamed over the old one: the secret is never in a file others can read.
        var temporary = Path.Combine(directory, $".credentials-{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnlyFile;
        try
        {
            using (var file = new FileStream(temporary, options))
            {
                JsonSerializer.Serialize(file, login, CliJsonContext.Default.SavedLogin);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
        return path;
    }

    /// <summary>A client for the server and credentials of the environment or the saved login.</summary>
    public static ScouterClient Connect(CliContext context) => CreateClient(Resolve(context));

    /// <summary>A client for <paramref name="login"/>; an invalid server address is bad input naming it.</summary>
    public static ScouterClient CreateClient(SavedLogin login)
    {
        try
        {
            return new ScouterClient(new ScouterClientOptions { ServerUri = login.Server, ApiKey = login.ApiKey, Username = login.Username, Password = login.Password });
        }
        catch (ArgumentException ex) when (ex is not ScouterConfigException)
        {
            throw new ScouterConfigException("server", login.Server, "must be an absolute http or https URL");
        }
    }

    /// <summary>The server from the environment or the saved login, when either names one.</summary>
    public static string? ServerFromEnvironment(CliContext context) =>
        context.Environment("SCOUTER_SERVER_URI") is { Length: > 0 } uri ? uri
        : context.Environment("SCOUTER_SERVER_URL") is { Length: > 0 } url ? url
        : null;

    private static SavedLogin Resolve(CliContext context)
    {
        var fromEnvironment = CredentialsFromEnvironment(context);
        // The file is read only when the environment leaves something unset, so a damaged file does not stop a fully configured command.
        var saved = fromEnvironment is not null && ServerFromEnvironment(context) is not null ? null : Load(context);
        var server = ServerFromEnvironment(context) ?? saved?.Server
            ?? throw new ScouterConfigException("server", null, "is not set: run scouter login, or set SCOUTER_SERVER_URI");
        if (fromEnvironment is not null) return fromEnvironment with { Server = server };
        if (saved is null)
            throw new ScouterConfigException("credentials", null, "none saved: run scouter login, or set SCOUTER_API_KEY or SCOUTER_USERNAME and SCOUTER_PASSWORD");
        if (!SameServer(saved.Server, server))
            throw new ScouterConfigException("SCOUTER_SERVER_URI", server, $"differs from the saved login's server {saved.Server}; its credentials are not sent elsewhere: set SCOUTER_API_KEY or SCOUTER_USERNAME and SCOUTER_PASSWORD, or run scouter login");
        return saved;
    }

    /// <summary><c>SCOUTER_API_KEY</c>, else <c>SCOUTER_USERNAME</c> and <c>SCOUTER_PASSWORD</c>, as a login without a server yet; null when neither is set.</summary>
    private static SavedLogin? CredentialsFromEnvironment(CliContext context)
    {
        if (context.Environment("SCOUTER_API_KEY") is { Length: > 0 } key) return new SavedLogin(string.Empty, key, null, null);
        if (context.Environment("SCOUTER_USERNAME") is not { Length: > 0 } user) return null;
        var password = context.Environment("SCOUTER_PASSWORD") is { Length: > 0 } p ? p
            : throw new ScouterConfigException("SCOUTER_PASSWORD", null, "is required when SCOUTER_USERNAME is set");
        return new SavedLogin(string.Empty, null, user, password);
    }

    private static bool SameServer(string a, string b) =>
        string.Equals(a.TrimEnd('/'), b.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);
}
