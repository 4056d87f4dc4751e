using Microsoft.Extensions.DependencyInjection.Extensions;
using Scouter.Server;
using Scouter.Server.Alerts;
using Scouter.Server.Apis;
using Scouter.Server.Jobs;
using Scouter.Server.Storage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Scheduled drift checks, alerts and their dispatch.</summary>
public static class JobsExtensions
{
    /// <summary>How long one alert delivery HTTP request may take (10 s).</summary>
    public static readonly TimeSpan DispatchTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Registers the job runner, the alert store and the dispatchers. The runner and the dispatcher
    /// are singletons forwarded as hosted services. Safe to call twice.
    /// </summary>
    public static IServiceCollection AddScouterJobs(this IServiceCollection services, ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (services.Any(d => d.ServiceType == typeof(JobRunner))) return services;
        services.AddAuthorization();
        services.AddHttpClient(AlertChannels.HttpClientName, c => c.Timeout = DispatchTimeout);
        services.TryAddSingleton<JobStore>();
        services.TryAddSingleton<AlertStore>();
        services.TryAddSingleton<DriftCheckEngine>();
        services.TryAddSingleton<DriftCheckService>();
        services.TryAddSingleton<AlertChannels>();
        services.AddSingleton<JobRunner>();
        services.TryAddSingleton<AlertDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<JobRunner>());
        services.AddHostedService(sp => sp.GetRequiredService<AlertDispatcher>());
        return services;
    }

    /// <summary>Maps <c>/profiles/{uid}/run</c>, <c>/alerts</c> and the check-run history.</summary>
    public static RouteGroupBuilder MapJobsApi(this RouteGroupBuilder api)
    {
        api.MapJobRoutes();
        api.MapAlertRoutes();
        return api;
    }
}
