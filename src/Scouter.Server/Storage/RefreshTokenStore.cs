using System.Data.Common;
using Dapper;

namespace Scouter.Server.Storage;

/// <summary>What happened to a refresh token presented for rotation.</summary>
internal enum RefreshOutcome
{
    /// <summary>Rotated: the old token is used, the new one stored.</summary>
    Rotated,

    /// <summary>Unknown, expired, revoked, or the user is gone or disabled.</summary>
    Invalid,

    /// <summary>Already used: the whole family has been revoked.</summary>
    Reused,
}

/// <summary>Refresh tokens: one family per login, rotated on use; a token used twice revokes its family.</summary>
internal sealed class RefreshTokenStore(AuthDb db, UserStore users)
{
    /// <summary>Stores a new login's refresh token; false when the user was deleted meanwhile (nothing stored).</summary>
    public Task<bool> InsertRefreshTokenAsync(string tokenHash, string familyId, string username, DateTimeOffset now, DateTimeOffset expires, CancellationToken ct) =>
        db.WriteAsync(async (c, tx) =>
        {
            // Housekeeping: a user's long-expired tokens go when they log in again.
            await c.ExecuteAsync(new CommandDefinition("delete from refresh_tokens where username = @username and expires_at < @now",
                new { username, now = db.Time(now) }, tx, cancellationToken: ct));
            return await InsertRefreshAsync(c, tx, tokenHash, familyId, username, now, expires, ct);
        }, lockUsers: false, ct);

    /// <summary>
    /// Inserts a refresh token unless its user is gone: a login or refresh racing the user's deletion
    /// stores nothing (false) instead of failing the foreign key. On PostgreSQL the user row is
    /// key-share locked, so a deletion waits for this transaction (and then removes the token with the
    /// user); SQLite writes are serialized anyway.
    /// </summary>
    private async Task<bool> InsertRefreshAsync(DbConnection c, DbTransaction tx, string tokenHash, string familyId, string username, DateTimeOffset now, DateTimeOffset expires, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition($"""
            insert into refresh_tokens (token_hash, family_id, username, created_at, expires_at)
            select @tokenHash, @familyId, @username, @created, @expires
            where exists (select 1 from users where name = @username{(db.Sqlite ? string.Empty : " for key share")})
            """, new { tokenHash, familyId, username, created = db.Time(now), expires = db.Time(expires) }, tx, cancellationToken: ct)) == 1;

    private sealed class RefreshRow
    {
        public string family_id { get; set; } = "";
        public string username { get; set; } = "";
        public object expires_at { get; set; } = 0L;
        public object? used_at { get; set; }
        public object? revoked_at { get; set; }
    }

    /// <summary>
    /// Marks <paramref name="oldHash"/> used and stores <paramref name="newHash"/> in its family, in one
    /// transaction. A token already used (or used concurrently) revokes its family. The user is
    /// re-read inside the transaction so role changes apply and disabled users are refused.
    /// </summary>
    public Task<(RefreshOutcome Outcome, UserRecord? User, string? FamilyId)> RotateRefreshTokenAsync(string oldHash, string newHash, DateTimeOffset now, DateTimeOffset expires, CancellationToken ct) =>
        db.WriteAsync<(RefreshOutcome, UserRecord?, string?)>(async (c, tx) =>
        {
            var row = await c.QuerySingleOrDefaultAsync<RefreshRow>(new CommandDefinition(
                "select family_id, username, expires_at, used_at, revoked_at from refresh_tokens where token_hash = @oldHash",
                new { oldHash }, tx, cancellationToken: ct));
            if (row is null || AuthDb.ReadTime(row.revoked_at) is not null || AuthDb.ReadTime(row.expires_at) <= now) return (RefreshOutcome.Invalid, null, null);
            var claimed = AuthDb.ReadTime(row.used_at) is null && await c.ExecuteAsync(new CommandDefinition(
                "update refresh_tokens set used_at = @now where token_hash = @oldHash and used_at is null and revoked_at is null",
                new { oldHash, now = db.Time(now) }, tx, cancellationToken: ct)) == 1;
            if (!claimed)
            {
                await RevokeFamilyAsync(c, tx, row.family_id, now, ct);
                return (RefreshOutcome.Reused, null, row.family_id);
            }
            var user = await users.GetUserAsync(row.username, ct, c, tx);
            if (user is null || user.Disabled)
            {
                await RevokeFamilyAsync(c, tx, row.family_id, now, ct);
                return (RefreshOutcome.Invalid, null, null);
            }
            if (!await InsertRefreshAsync(c, tx, newHash, row.family_id, row.username, now, expires, ct)) return (RefreshOutcome.Invalid, null, null);
            return (RefreshOutcome.Rotated, user, row.family_id);
        }, lockUsers: false, ct);

    /// <summary>Revokes the family of the refresh token with <paramref name="tokenHash"/> (log out); returns its family id, null when unknown.</summary>
    public Task<string?> RevokeFamilyOfAsync(string tokenHash, DateTimeOffset now, CancellationToken ct) =>
        db.WriteAsync(async (c, tx) =>
        {
            var family = await c.ExecuteScalarAsync<string?>(new CommandDefinition(
                "select family_id from refresh_tokens where token_hash = @tokenHash", new { tokenHash }, tx, cancellationToken: ct));
            if (family is not null) await RevokeFamilyAsync(c, tx, family, now, ct);
            return family;
        }, lockUsers: false, ct);

    /// <summary>Whether the login <paramref name="familyId"/> still has a token that is not revoked (it was not logged out or caught reusing a token).</summary>
    public async Task<bool> IsFamilyLiveAsync(string familyId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition(
            "select count(*) from refresh_tokens where family_id = @familyId and revoked_at is null", new { familyId }, cancellationToken: ct)) > 0;
    }

    private async Task RevokeFamilyAsync(DbConnection c, DbTransaction tx, string familyId, DateTimeOffset now, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition("update refresh_tokens set revoked_at = @now where family_id = @familyId and revoked_at is null",
            new { familyId, now = db.Time(now) }, tx, cancellationToken: ct));

    public async Task RevokeUserRefreshTokensAsync(string username, DateTimeOffset now, DbConnection c, DbTransaction tx, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition("update refresh_tokens set revoked_at = @now where username = @username and revoked_at is null",
            new { username, now = db.Time(now) }, tx, cancellationToken: ct));
}
