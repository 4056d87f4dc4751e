using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Scouter.Server.Auth;
using Scouter.Server.Storage;

namespace Scouter.Server.Apis;

/// <summary>
/// <c>/api-keys</c>: a global admin manages every key; a space admin manages keys all of whose spaces
/// they administer. Only users (not other API keys) manage keys, so a leaked key cannot mint
/// successors that outlive its revocation.
/// </summary>
internal static class ApiKeysApi
{
    /// <summary>Maps the API-key endpoints.</summary>
    public static RouteGroupBuilder MapApiKeysApi(this RouteGroupBuilder api)
    {
        var keys = api.MapGroup("/api-keys").RequireAuthorization().WithTags("api-keys");
        keys.MapPost("/", CreateAsync).Accepts<CreateApiKeyRequest>("application/json");
        keys.MapGet("/", ListAsync);
        keys.MapDelete("/{id}", RevokeAsync);
        return api;
    }

    internal static async Task<Results<Created<CreatedApiKey>, ProblemHttpResult>> CreateAsync(
        HttpRequest http, ClaimsPrincipal caller, ApiKeyStore store, TimeProvider time, CancellationToken ct)
    {
        if (NotAUser(caller) is { } denied) return denied;
        var (request, problem) = await ApiBody.ReadAsync<CreateApiKeyRequest>(http, ct);
        if (problem is not null) return problem;
        if (request!.Name is not { Length: > 0 and <= 128 })
            return Problems.Validation("invalid_api_key_name", "name", "name must be 1-128 characters.");
        if (AuthValidation.Spaces(request.Spaces, required: true) is { } badSpaces) return badSpaces;
        var now = time.GetUtcNow();
        if (request.ExpiresAt is { } expires && expires <= now)
            return Problems.Validation("invalid_expiry", "expires_at", "expires_at must be in the future.");
        foreach (var space in request.Spaces!.Keys)
        {
            if (!Manages(caller, space)) return Problems.Forbidden(space, "admin");
        }
        var key = Secrets.NewApiKey();
        var record = new ApiKeyRecord(Secrets.NewId(), request.Name, key[..Secrets.ShownPrefixLength], Secrets.Hash(key), request.Spaces,
            UsersApi.Subject(caller), now, request.ExpiresAt is { } e ? DbTime.Normalize(e) : null, null);
        await store.InsertApiKeyAsync(record, ct);
        return TypedResults.Created($"/api/v1/api-keys/{record.Id}",
            new CreatedApiKey(record.Id, record.Name, record.Prefix, record.Spaces, record.ExpiresAt, key));
    }

    internal static async Task<Results<Ok<List<ApiKeyView>>, ProblemHttpResult>> ListAsync(ClaimsPrincipal caller, ApiKeyStore store, CancellationToken ct)
    {
        if (NotAUser(caller) is { } denied) return denied;
        var keys = await store.ListApiKeysAsync(ct);
        return TypedResults.Ok(keys.Where(k => Manages(caller, k)).Select(k => k.ToView()).ToList());
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        string id, ClaimsPrincipal caller, ApiKeyStore store, ApiKeyValidator validator, TimeProvider time, CancellationToken ct)
    {
        if (NotAUser(caller) is { } denied) return denied;
        var key = await store.GetApiKeyAsync(id, ct);
        if (key is null) return Problems.NotFound("api_key_not_found", $"No API key with id '{id}'.");
        if (!Manages(caller, key))
            return Problems.Create(StatusCodes.Status403Forbidden, "forbidden", "Revoking this key needs the 'admin' role on every space it grants.");
        await store.RevokeApiKeyAsync(id, time.GetUtcNow(), ct);
        validator.Evict(key.KeyHash);
        return TypedResults.NoContent();
    }

    /// <summary>Global admins manage every space, including the <c>*</c> wildcard; space admins their own spaces.</summary>
    private static bool Manages(ClaimsPrincipal caller, string space) =>
        caller.IsGlobalAdmin() || (space != "*" && caller.Can(space, SpaceRole.Admin));

    private static bool Manages(ClaimsPrincipal caller, ApiKeyRecord key) => key.Spaces.Keys.All(s => Manages(caller, s));

    private static ProblemHttpResult? NotAUser(ClaimsPrincipal caller) =>
        caller.HasClaim(SpaceAccess.KindClaim, "user") ? null
            : Problems.Create(StatusCodes.Status403Forbidden, "forbidden", "API keys are managed with a user's access token, not with an API key.");
}
