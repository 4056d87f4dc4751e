using Scouter.Server;
using Scouter.Server.Storage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the database and runs migrations when the host starts.</summary>
internal static class StorageExtensions
{
    /// <summary>Adds <see cref="ScouterDatabase"/> (SQLite or PostgreSQL per <paramref name="options"/>) and the start-up migrator.</summary>
    public static IServiceCollection AddScouterStorage(this IServiceCollection services, ServerOptions options)
    {
        services.AddSingleton(_ => ScouterDatabase.Create(options));
        services.AddHostedService<MigrationService>();
        return services;
    }
}
