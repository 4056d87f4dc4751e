using Microsoft.Extensions.DependencyInjection.Extensions;
using Scouter.Server;
using Scouter.Server.Alerts;
using Scouter.Server.Apis;
using Scouter.Server.Jobs;
using Scouter.Server.Storage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Scheduled drift checks, alerts and their dispatch.</summary>
internal static class JobsExtensions
{
    /// <summary>How long one alert delivery HTTP request may take (10 s).</summary>
    public static readonly TimeSpan DispatchTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long opening an alert delivery connection may take (5 s).</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Registers the job runner, the alert store and the dispatchers. The runner and the dispatcher
    /// are singletons forwarded as hosted services. Safe to call twice.
    /// </summary>
    public static IServiceCollection AddScouterJobs(this IServiceCollection services, ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (services.Any(d => d.ServiceType == typeof(JobRunner))) return services;
        services.AddAuthorization();
        services.AddAlertHttpClient(options);
        services.TryAddSingleton(options.Evaluation);
        services.TryAddSingleton<JobStore>();
        services.TryAddSingleton<AlertStore>();
        services.TryAddSingleton<OverviewStore>();
        services.TryAddSingleton(sp => new DriftCheckEngine(sp.GetRequiredService<IRecordStore>(), options.Evaluation,
            options.SpcFalseAlarmRate));
        services.TryAddSingleton<DriftCheckService>();
        services.TryAddSingleton<AlertChannels>();
        services.AddSingleton<JobRunner>();
        services.TryAddSingleton<AlertDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<JobRunner>());
        services.AddHostedService(sp => sp.GetRequiredService<AlertDispatcher>());
        return services;
    }

    /// <summary>
    /// Registers the named alert client with the <see cref="AlertDestinationPolicy"/> of
    /// <paramref name="options"/> (checking the alert settings): no redirects, no proxy, no cookies,
    /// and every connection opened through the policy, so a destination is checked on the addresses
    /// actually connected to.
    /// </summary>
    internal static IServiceCollection AddAlertHttpClient(this IServiceCollection services, ServerOptions options)
    {
        var policy = AlertDestinationPolicy.FromOptions(options);
        services.AddHttpClient(AlertChannels.HttpClientName, c => c.Timeout = DispatchTimeout)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                // A proxy would be the address connected to, out of the policy's sight.
                UseProxy = false,
                UseCookies = false,
                ConnectTimeout = ConnectTimeout,
                MaxResponseHeadersLength = 16,
                // An answer left unread closes its connection instead of being drained for reuse.
                MaxResponseDrainSize = 0,
                ConnectCallback = policy.ConnectAsync,
            });
        return services;
    }

    /// <summary>Maps <c>/profiles/{uid}/run</c>, <c>/alerts</c>, the check-run history and <c>/overview</c>.</summary>
    public static RouteGroupBuilder MapJobsApi(this RouteGroupBuilder api)
    {
        api.MapJobRoutes();
        api.MapAlertRoutes();
        api.MapOverviewApi();
        return api;
    }
}
