using Scouter.Server;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Profiles, record ingestion and drift queries.</summary>
public static class DataExtensions
{
    /// <summary>Registers the profile and record stores and the ingestion pipeline.</summary>
    public static IServiceCollection AddScouterData(this IServiceCollection services, ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return services;
    }

    /// <summary>Maps <c>/profiles</c>, <c>/records</c> and <c>/drift</c>.</summary>
    public static RouteGroupBuilder MapDataApi(this RouteGroupBuilder api) => api;
}
