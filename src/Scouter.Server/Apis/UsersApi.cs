using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Scouter.Server.Auth;
using Scouter.Server.Storage;

namespace Scouter.Server.Apis;

/// <summary><c>/users</c>: user management, global admins only.</summary>
internal static class UsersApi
{
    /// <summary>Maps the users endpoints.</summary>
    public static RouteGroupBuilder MapUsersApi(this RouteGroupBuilder api)
    {
        var users = api.MapGroup("/users").RequireAuthorization(ScouterPolicies.GlobalAdmin).WithTags("users");
        users.MapGet("/", ListAsync);
        users.MapPost("/", CreateAsync).Accepts<CreateUserRequest>("application/json");
        users.MapGet("/{name}", GetAsync);
        users.MapPut("/{name}", UpdateAsync).Accepts<UpdateUserRequest>("application/json");
        users.MapDelete("/{name}", DeleteAsync);
        return api;
    }

    internal static async Task<Ok<List<UserView>>> ListAsync(UserStore store, CancellationToken ct) =>
        TypedResults.Ok((await store.ListUsersAsync(ct)).Select(u => u.ToView()).ToList());

    internal static async Task<Results<Ok<UserView>, ProblemHttpResult>> GetAsync(string name, UserStore store, CancellationToken ct) =>
        await store.GetUserAsync(name, ct) is { } user ? TypedResults.Ok(user.ToView()) : NotFound(name);

    internal static async Task<Results<Created<UserView>, ProblemHttpResult>> CreateAsync(HttpRequest http, UserStore store, UserSessions sessions, TimeProvider time, CancellationToken ct)
    {
        var (request, problem) = await ApiBody.ReadAsync<CreateUserRequest>(http, ct);
        if (problem is not null) return problem;
        if (AuthValidation.UserName(request!.Name) is { } badName) return badName;
        if (AuthValidation.Password(request.Password) is { } badPassword) return badPassword;
        if (AuthValidation.Spaces(request.Spaces, required: false) is { } badSpaces) return badSpaces;
        var now = time.GetUtcNow();
        var user = new UserRecord(request.Name!, TokenService.HashPassword(request.Password!), request.GlobalRole ?? GlobalRole.None,
            request.Spaces ?? [], request.Disabled ?? false, now, now, Secrets.RandomToken(16));
        if (!await store.InsertUserAsync(user, onlyIfNoUsers: false, ct))
            return Problems.Conflict("user_exists", $"A user named '{user.Name}' already exists.");
        sessions.Forget(user.Name);
        return TypedResults.Created($"/api/v1/users/{Uri.EscapeDataString(user.Name)}", user.ToView());
    }

    internal static async Task<Results<Ok<UserView>, ProblemHttpResult>> UpdateAsync(string name, HttpRequest http, UserStore store, RefreshTokenStore refreshTokens, UserSessions sessions, TimeProvider time, CancellationToken ct)
    {
        var (request, problem) = await ApiBody.ReadAsync<UpdateUserRequest>(http, ct);
        if (problem is not null) return problem;
        if (request!.Password is not null && AuthValidation.Password(request.Password) is { } badPassword) return badPassword;
        if (AuthValidation.Spaces(request.Spaces, required: false) is { } badSpaces) return badSpaces;
        var newHash = request.Password is null ? null : TokenService.HashPassword(request.Password);
        var result = await store.WriteAsync<Results<Ok<UserView>, ProblemHttpResult>>(async (c, tx) =>
        {
            var user = await store.GetUserAsync(name, ct, c, tx);
            if (user is null) return NotFound(name);
            var now = time.GetUtcNow();
            var updated = user with
            {
                PasswordHash = newHash ?? user.PasswordHash,
                GlobalRole = request.GlobalRole ?? user.GlobalRole,
                Spaces = request.Spaces ?? user.Spaces,
                Disabled = request.Disabled ?? user.Disabled,
                UpdatedAt = now,
            };
            var endsSessions = newHash is not null || (updated.Disabled && !user.Disabled);
            if (endsSessions) updated = updated with { SecurityStamp = Secrets.RandomToken(16) };
            var wasAdmin = user.GlobalRole == GlobalRole.Admin && !user.Disabled;
            var isAdmin = updated.GlobalRole == GlobalRole.Admin && !updated.Disabled;
            if (wasAdmin && !isAdmin && await store.CountOtherAdminsAsync(name, c, tx, ct) == 0) return LastAdmin();
            await store.UpdateUserAsync(updated, c, tx, ct);
            if (endsSessions) await refreshTokens.RevokeUserRefreshTokensAsync(name, now, c, tx, ct);
            return TypedResults.Ok(updated.ToView());
        }, ct);
        sessions.Forget(name);
        return result;
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string name, UserStore store, UserSessions sessions, CancellationToken ct)
    {
        var result = await store.WriteAsync<Results<NoContent, ProblemHttpResult>>(async (c, tx) =>
        {
            var user = await store.GetUserAsync(name, ct, c, tx);
            if (user is null) return NotFound(name);
            if (user.GlobalRole == GlobalRole.Admin && !user.Disabled && await store.CountOtherAdminsAsync(name, c, tx, ct) == 0) return LastAdmin();
            await UserStore.DeleteUserAsync(name, c, tx, ct);
            return TypedResults.NoContent();
        }, ct);
        sessions.Forget(name);
        return result;
    }

    private static ProblemHttpResult NotFound(string name) => Problems.NotFound("user_not_found", $"No user named '{name}'.");

    private static ProblemHttpResult LastAdmin() =>
        Problems.Conflict("last_admin", "This is the last enabled global admin; make another user admin first.");

    /// <summary>The authenticated subject (user name, or <c>api_key:&lt;id&gt;</c>).</summary>
    internal static string Subject(ClaimsPrincipal user) => user.FindFirst("sub")?.Value ?? "unknown";
}
