using System.Text;
using Microsoft.IdentityModel.Tokens;
using Scouter.Server.Storage;

namespace Scouter.Server.Auth;

/// <summary>
/// The HS256 key that signs and validates access tokens. From <see cref="ServerOptions.JwtSecret"/>
/// when set (validated when the server is built); otherwise generated once: into
/// <c>server_secrets</c> with PostgreSQL (so every replica agrees) or <c>&lt;DataDir&gt;/jwt.key</c>
/// with SQLite. Loaded at start-up by <see cref="AuthStartupService"/>, before the server listens.
/// </summary>
internal sealed class SigningKeyProvider(ServerOptions options, SecretStore secrets, TimeProvider time)
{
    public const int MinimumSecretBytes = 32;
    public const string KeyFileName = "jwt.key";
    public const string SecretName = "jwt_signing_key";

    private SymmetricSecurityKey? _key;

    public SymmetricSecurityKey Key => _key ?? throw new InvalidOperationException("The JWT signing key is not loaded yet (the auth start-up service has not run).");

    /// <summary>Where the key came from, for the start-up log.</summary>
    public string Source { get; private set; } = "";

    /// <summary>Throws with a message naming the setting when <paramref name="secret"/> is too short.</summary>
    public static void Validate(string? secret)
    {
        if (secret is not null && Encoding.UTF8.GetByteCount(secret) < MinimumSecretBytes)
            throw new InvalidOperationException($"SCOUTER_JWT_SECRET must be at least {MinimumSecretBytes} bytes (UTF-8); refusing to start. Leave it unset to have the server generate a key.");
    }

    public async Task LoadAsync(CancellationToken ct)
    {
        if (_key is not null) return;
        byte[] bytes;
        if (!string.IsNullOrEmpty(options.JwtSecret))
        {
            Validate(options.JwtSecret);
            bytes = Encoding.UTF8.GetBytes(options.JwtSecret);
            Source = "SCOUTER_JWT_SECRET";
        }
        else if (options.UsesPostgres)
        {
            var stored = await secrets.GetOrAddSecretAsync(SecretName, Secrets.RandomToken(64), time.GetUtcNow(), ct);
            bytes = Base64UrlEncoder.DecodeBytes(stored);
            Source = "database (server_secrets)";
        }
        else
        {
            bytes = await LoadOrCreateFileAsync(Path.Combine(options.DataDir, KeyFileName), ct);
            Source = Path.Combine(options.DataDir, KeyFileName);
        }
        if (bytes.Length < MinimumSecretBytes) throw new InvalidOperationException($"The stored JWT signing key ({Source}) is shorter than {MinimumSecretBytes} bytes; delete it to generate a new one.");
        _key = new SymmetricSecurityKey(bytes) { KeyId = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes))[..16] };
    }

    /// <summary>Reads the key file, or creates it (mode 0600) atomically: a temp file moved into place without overwrite, so concurrent starts agree.</summary>
    private static async Task<byte[]> LoadOrCreateFileAsync(string path, CancellationToken ct)
    {
        if (!File.Exists(path))
        {
            PrivateFiles.CreateDirectory(Path.GetDirectoryName(path)!);
            var temp = path + "." + Secrets.NewId() + ".tmp";
            await using (var stream = new FileStream(temp, PrivateFiles.CreateNew()))
            await using (var writer = new StreamWriter(stream))
            {
                await writer.WriteAsync(Secrets.RandomToken(64).AsMemory(), ct);
            }
            try
            {
                File.Move(temp, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(temp);
            }
        }
        var text = (await File.ReadAllTextAsync(path, ct)).Trim();
        return Base64UrlEncoder.DecodeBytes(text);
    }
}
