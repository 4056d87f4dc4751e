using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace Scouter.Server.Auth;

/// <summary>Random secrets and their stored form (SHA-256, lower-case hex).</summary>
internal static class Secrets
{
    /// <summary>Every API key starts with this, so a bearer credential can be told apart from a JWT.</summary>
    public const string ApiKeyPrefix = "sk_scouter_";

    /// <summary>Characters of the key kept (not secret) to identify it: the prefix plus 6 random characters (36 bits).</summary>
    public const int ShownPrefixLength = 17;

    public static string RandomToken(int bytes = 32) => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(bytes));

    public static string NewApiKey() => ApiKeyPrefix + RandomToken();

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>A readable random password (for the bootstrap admin): 24 base64url characters, 144 bits.</summary>
    public static string RandomPassword() => RandomToken(18);

    public static string NewId() => Guid.NewGuid().ToString("N");
}
