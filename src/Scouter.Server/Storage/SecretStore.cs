using Dapper;

namespace Scouter.Server.Storage;

/// <summary>Server secrets generated once and shared by every instance (the token signing key).</summary>
internal sealed class SecretStore(AuthDb db)
{
    /// <summary>Stores <paramref name="value"/> under <paramref name="name"/> unless a value exists; returns the stored value (first writer wins).</summary>
    public Task<string> GetOrAddSecretAsync(string name, string value, DateTimeOffset now, CancellationToken ct) => db.WriteAsync(async (c, tx) =>
    {
        await c.ExecuteAsync(new CommandDefinition("insert into server_secrets (name, value, created_at) values (@name, @value, @now) on conflict (name) do nothing",
            new { name, value, now = db.Time(now) }, tx, cancellationToken: ct));
        return await c.ExecuteScalarAsync<string>(new CommandDefinition("select value from server_secrets where name = @name", new { name }, tx, cancellationToken: ct)) ?? value;
    }, lockUsers: false, ct);
}
