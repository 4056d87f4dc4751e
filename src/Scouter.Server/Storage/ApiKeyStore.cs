using Dapper;
using Scouter.Server.Auth;

namespace Scouter.Server.Storage;

/// <summary>A stored API key (hash only).</summary>
internal sealed record ApiKeyRecord(string Id, string Name, string Prefix, string KeyHash, IReadOnlyDictionary<string, SpaceRole> Spaces, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt)
{
    public ApiKeyView ToView() => new(Id, Name, Prefix, Spaces, CreatedBy, CreatedAt, ExpiresAt, RevokedAt);
}

/// <summary>API keys (their hashes; the key itself is shown once, at creation).</summary>
internal sealed class ApiKeyStore(AuthDb db)
{
    private const string KeyColumns = "id, name, prefix, key_hash, spaces_json, created_by, created_at, expires_at, revoked_at";

    private sealed class KeyRow
    {
        public string id { get; set; } = "";
        public string name { get; set; } = "";
        public string prefix { get; set; } = "";
        public string key_hash { get; set; } = "";
        public string spaces_json { get; set; } = "{}";
        public string created_by { get; set; } = "";
        public object created_at { get; set; } = 0L;
        public object? expires_at { get; set; }
        public object? revoked_at { get; set; }

        public ApiKeyRecord ToRecord() => new(id, name, prefix, key_hash, AuthDb.ReadSpaces(spaces_json), created_by,
            AuthDb.ReadTime(created_at)!.Value, AuthDb.ReadTime(expires_at), AuthDb.ReadTime(revoked_at));
    }

    public Task InsertApiKeyAsync(ApiKeyRecord key, CancellationToken ct) => db.WriteAsync(async (c, tx) =>
        await c.ExecuteAsync(new CommandDefinition($"""
            insert into api_keys ({KeyColumns})
            values (@Id, @Name, @Prefix, @KeyHash, @spaces, @CreatedBy, @created, @expires, null)
            """, new { key.Id, key.Name, key.Prefix, key.KeyHash, spaces = AuthDb.SpacesJson(key.Spaces), key.CreatedBy, created = db.Time(key.CreatedAt), expires = db.Time(key.ExpiresAt) },
            tx, cancellationToken: ct)), lockUsers: false, ct);

    public async Task<ApiKeyRecord?> FindApiKeyByHashAsync(string keyHash, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QuerySingleOrDefaultAsync<KeyRow>(new CommandDefinition($"select {KeyColumns} from api_keys where key_hash = @keyHash", new { keyHash }, cancellationToken: ct)))?.ToRecord();
    }

    public async Task<ApiKeyRecord?> GetApiKeyAsync(string id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QuerySingleOrDefaultAsync<KeyRow>(new CommandDefinition($"select {KeyColumns} from api_keys where id = @id", new { id }, cancellationToken: ct)))?.ToRecord();
    }

    public async Task<IReadOnlyList<ApiKeyRecord>> ListApiKeysAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<KeyRow>(new CommandDefinition($"select {KeyColumns} from api_keys order by created_at, id", cancellationToken: ct));
        return [.. rows.Select(r => r.ToRecord())];
    }

    public Task RevokeApiKeyAsync(string id, DateTimeOffset now, CancellationToken ct) => db.WriteAsync(async (c, tx) =>
        await c.ExecuteAsync(new CommandDefinition("update api_keys set revoked_at = @now where id = @id and revoked_at is null",
            new { id, now = db.Time(now) }, tx, cancellationToken: ct)), lockUsers: false, ct);
}
