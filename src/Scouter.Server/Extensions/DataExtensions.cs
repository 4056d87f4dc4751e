using Microsoft.Extensions.DependencyInjection.Extensions;
using Scouter.Server;
using Scouter.Server.Apis;
using Scouter.Server.Ingestion;
using Scouter.Server.Registry;
using Scouter.Server.Storage;
using Scouter.Server.Storage.Rollups;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Profiles, record ingestion and drift queries.</summary>
internal static class DataExtensions
{
    /// <summary>
    /// Registers the profile and record stores, the profile cache, the ingestion queue, pipeline and
    /// writers, and the retention job. Safe to call twice. Tests may replace <see cref="IRecordStore"/>
    /// (e.g. with a decorator over <c>SqlRecordStore</c>) after this call.
    /// </summary>
    public static IServiceCollection AddScouterData(this IServiceCollection services, ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SqlProfileStore>();
        services.TryAddSingleton<IProfileStore>(sp => sp.GetRequiredService<SqlProfileStore>());
        services.TryAddSingleton<SqlRecordStore>();
        services.TryAddSingleton<IRecordStore>(sp => sp.GetRequiredService<SqlRecordStore>());
        services.TryAddSingleton<LlmEvaluationStore>();
        services.TryAddSingleton<ProfileCache>();
        services.TryAddSingleton<ProfileRegistry>();
        services.TryAddSingleton<IngestQueue>();
        services.TryAddSingleton<IngestPipeline>();
        services.TryAddSingleton<IngestWriterService>();
        services.TryAddSingleton<RetentionService>();
        services.TryAddSingleton<RollupWriter>();
        services.TryAddSingleton<RollupService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RollupService>(sp => sp.GetRequiredService<RollupService>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, IngestWriterService>(sp => sp.GetRequiredService<IngestWriterService>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RetentionService>(sp => sp.GetRequiredService<RetentionService>()));
        return services;
    }

    /// <summary>Maps <c>/profiles</c>, <c>/records</c>, <c>/drift</c> and <c>/llm/records</c> (all require authentication).</summary>
    public static RouteGroupBuilder MapDataApi(this RouteGroupBuilder api)
    {
        api.MapProfilesApi();
        api.MapRecordsApi();
        api.MapDriftApi();
        api.MapLlmRecordRoutes();
        return api;
    }
}
