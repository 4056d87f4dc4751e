using System.Text.Json.Serialization;

namespace Scouter.Server.Auth;

/// <summary>A user's server-wide role.</summary>
internal enum GlobalRole
{
    /// <summary>No server-wide role: only the per-space grants apply.</summary>
    [JsonStringEnumMemberName("none")] None = 0,

    /// <summary>Manages users and every space.</summary>
    [JsonStringEnumMemberName("admin")] Admin = 1,
}

/// <summary><c>POST /auth/token</c> body.</summary>
internal sealed class TokenRequest
{
    /// <summary>User name.</summary>
    public string? Username { get; set; }

    /// <summary>Password.</summary>
    public string? Password { get; set; }
}

/// <summary><c>POST /auth/refresh</c> body.</summary>
internal sealed class RefreshRequest
{
    /// <summary>The refresh token from the previous token response (each one works once).</summary>
    public string? RefreshToken { get; set; }
}

/// <summary>An access token (JWT) and the refresh token that renews it.</summary>
/// <param name="AccessToken">JWT for <c>Authorization: Bearer</c>.</param>
/// <param name="TokenType">Always <c>bearer</c>.</param>
/// <param name="ExpiresIn">Seconds until the access token expires (3600).</param>
/// <param name="RefreshToken">Single-use refresh token (30 days).</param>
internal sealed record TokenResponse(string AccessToken, string TokenType, int ExpiresIn, string RefreshToken);

/// <summary><c>POST /users</c> body.</summary>
internal sealed class CreateUserRequest
{
    /// <summary>User name: 1–64 of letters, digits, <c>. _ - @</c>.</summary>
    public string? Name { get; set; }

    /// <summary>Password (at least 8 characters).</summary>
    public string? Password { get; set; }

    /// <summary>Server-wide role (default none).</summary>
    public GlobalRole? GlobalRole { get; set; }

    /// <summary>Roles per space.</summary>
    public Dictionary<string, SpaceRole>? Spaces { get; set; }

    /// <summary>Whether the user may not log in (default false).</summary>
    public bool? Disabled { get; set; }
}

/// <summary><c>PUT /users/{name}</c> body; absent fields stay unchanged.</summary>
internal sealed class UpdateUserRequest
{
    /// <summary>New password (at least 8 characters); changing it revokes the user's refresh tokens.</summary>
    public string? Password { get; set; }

    /// <summary>New server-wide role.</summary>
    public GlobalRole? GlobalRole { get; set; }

    /// <summary>New per-space roles (replaces the whole map).</summary>
    public Dictionary<string, SpaceRole>? Spaces { get; set; }

    /// <summary>Disable or enable; disabling revokes the user's refresh tokens.</summary>
    public bool? Disabled { get; set; }
}

/// <summary>A user as the API shows it (never the password hash).</summary>
/// <param name="Name">User name.</param>
/// <param name="GlobalRole">Server-wide role.</param>
/// <param name="Spaces">Roles per space.</param>
/// <param name="Disabled">Whether login is refused.</param>
/// <param name="CreatedAt">Creation time (UTC).</param>
/// <param name="UpdatedAt">Last change (UTC).</param>
internal sealed record UserView(string Name, GlobalRole GlobalRole, IReadOnlyDictionary<string, SpaceRole> Spaces, bool Disabled, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary><c>POST /api-keys</c> body.</summary>
internal sealed class CreateApiKeyRequest
{
    /// <summary>Descriptive name (1–128 characters).</summary>
    public string? Name { get; set; }

    /// <summary>Grants: space → role. At least one.</summary>
    public Dictionary<string, SpaceRole>? Spaces { get; set; }

    /// <summary>When the key stops working; never when absent.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }
}

/// <summary>An API key without its secret.</summary>
/// <param name="Id">Identifier for <c>DELETE /api-keys/{id}</c>.</param>
/// <param name="Name">Descriptive name.</param>
/// <param name="Prefix">The key's first characters (not secret), to tell keys apart.</param>
/// <param name="Spaces">Grants.</param>
/// <param name="CreatedBy">Subject that created it.</param>
/// <param name="CreatedAt">Creation time (UTC).</param>
/// <param name="ExpiresAt">Expiry, if any.</param>
/// <param name="RevokedAt">Revocation time, if revoked.</param>
internal sealed record ApiKeyView(string Id, string Name, string Prefix, IReadOnlyDictionary<string, SpaceRole> Spaces, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt);

/// <summary>The answer to <c>POST /api-keys</c>: the only time the key itself is shown.</summary>
/// <param name="Id">Identifier for <c>DELETE /api-keys/{id}</c>.</param>
/// <param name="Name">Descriptive name.</param>
/// <param name="Prefix">The key's first characters (not secret).</param>
/// <param name="Spaces">Grants.</param>
/// <param name="ExpiresAt">Expiry, if any.</param>
/// <param name="Key">The secret key, <c>sk_scouter_…</c>; not retrievable later.</param>
internal sealed record CreatedApiKey(string Id, string Name, string Prefix, IReadOnlyDictionary<string, SpaceRole> Spaces, DateTimeOffset? ExpiresAt, string Key);
