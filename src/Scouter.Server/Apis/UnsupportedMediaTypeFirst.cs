namespace Scouter.Server.Apis;

/// <summary>
/// Answers routing's "415 Unsupported Media Type" before authentication. Routing picks the framework's
/// own 415 endpoint for a body of the wrong type (e.g. curl's default form encoding), and that endpoint
/// carries no <c>AllowAnonymous</c>, so the fallback policy would answer a form-encoded login with
/// "requires an access token" instead of saying that JSON is expected. The status-code pages turn the
/// bare 415 into the API's <c>unsupported_media_type</c> problem.
/// </summary>
internal static class UnsupportedMediaTypeFirst
{
    /// <summary>Display name of the endpoint ASP.NET Core routing selects when no endpoint accepts the request's content type.</summary>
    private const string RoutingEndpoint = "415 HTTP Unsupported Media Type";

    public static Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (context.GetEndpoint()?.DisplayName != RoutingEndpoint) return next(context);
        context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
        return Task.CompletedTask;
    }
}
