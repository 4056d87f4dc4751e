using Scouter.Server.Apis;

namespace Scouter.Server.Auth;

/// <summary>401/403 answers written by the authentication handlers, as problem details.</summary>
internal static class AuthProblems
{
    public const string NoCredentials = "This endpoint requires an access token (Authorization: Bearer) or an API key (X-Scouter-Api-Key).";

    public static async Task WriteUnauthorizedAsync(HttpContext context, string code, string detail)
    {
        if (context.Response.HasStarted) return;
        context.Response.Headers.WWWAuthenticate = code == "unauthorized" ? "Bearer" : "Bearer error=\"invalid_token\"";
        await Problems.Create(StatusCodes.Status401Unauthorized, code, detail).ExecuteAsync(context);
    }

    public static async Task WriteForbiddenAsync(HttpContext context)
    {
        if (context.Response.HasStarted) return;
        await Problems.Create(StatusCodes.Status403Forbidden, "forbidden", "The credentials are valid but do not grant this action.").ExecuteAsync(context);
    }
}
