using System.Text.RegularExpressions;
using Scouter.Server.Apis;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Scouter.Server.Auth;

/// <summary>Input rules shared by the users and API-key endpoints.</summary>
internal static partial class AuthValidation
{
    public const int MinPasswordLength = 8;
    public const int MaxPasswordLength = 1024;
    public const int MaxSpaceLength = 128;

    [GeneratedRegex("^[A-Za-z0-9._@-]{1,64}$")]
    private static partial Regex UserNamePattern();

    /// <summary>
    /// The user-name rule, for new users and for logins: a name no user can have is refused before it
    /// reaches the store, the login throttle or the log (which would otherwise take any length and
    /// forged lines).
    /// </summary>
    public static ProblemHttpResult? UserName(string? name, string field = "name") =>
        name is not null && UserNamePattern().IsMatch(name) ? null
            : Problems.Validation("invalid_user_name", field, $"{field} must be 1-64 characters of letters, digits, '.', '_', '-', '@'.");

    public static ProblemHttpResult? Password(string? password) =>
        password is { Length: >= MinPasswordLength and <= MaxPasswordLength } ? null
            : Problems.Validation("weak_password", "password", $"password must be {MinPasswordLength} to {MaxPasswordLength} characters.");

    /// <summary>Space names are non-empty, at most 128 characters, without '=' (the grant separator) or control characters.</summary>
    public static ProblemHttpResult? Spaces(IReadOnlyDictionary<string, SpaceRole>? spaces, bool required)
    {
        if (spaces is null || spaces.Count == 0)
            return required ? Problems.Validation("invalid_spaces", "spaces", "spaces must grant at least one role, e.g. {\"my-space\": \"write\"}.") : null;
        foreach (var (space, role) in spaces)
        {
            if (space.Length is 0 or > MaxSpaceLength || space.Contains('=', StringComparison.Ordinal) || space.Any(char.IsControl))
                return Problems.Validation("invalid_spaces", "spaces", $"'{space}' is not a valid space name (1-{MaxSpaceLength} characters, no '=').");
            if (!Enum.IsDefined(role))
                return Problems.Validation("invalid_spaces", "spaces", $"The role for '{space}' must be read, write or admin.");
        }
        return null;
    }
}
