using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Scouter.Client;
using Scouter.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a host-managed <see cref="ScouterQueue"/>.</summary>
public static class ScouterServiceCollectionExtensions
{
    /// <summary>
    /// Registers one <see cref="ScouterQueue"/> singleton, built when the host starts (profiles given by
    /// <see cref="GetProfileRequest"/> are downloaded then; a failed download is retried in the background
    /// and never fails start-up) and shut down with a
    /// flush when the host stops gracefully. Handlers may take <see cref="ScouterQueue"/> by injection or
    /// use <c>WithScouter()</c> with <c>HttpContext.SetScouterData</c>.
    /// </summary>
    /// <remarks>
    /// Safe to call more than once: there is one queue per service collection, and later calls
    /// configure the same <see cref="ScouterQueueBuilder"/> (adding profiles, replacing the transport,
    /// adding option actions). Adding an alias twice throws <see cref="ArgumentException"/>.
    /// </remarks>
    /// <param name="services">The application's services.</param>
    /// <param name="configure">Adds profiles and picks the transport.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddScouterQueue(this IServiceCollection services, Action<ScouterQueueBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        configure(GetOrAddBuilder(services));
        return services;
    }

    private static ScouterQueueBuilder GetOrAddBuilder(IServiceCollection services)
    {
        foreach (var descriptor in services)
        {
            if (descriptor.ServiceType == typeof(ScouterQueueBuilder) && !descriptor.IsKeyedService && descriptor.ImplementationInstance is ScouterQueueBuilder existing)
            {
                return existing;
            }
        }
        var builder = new ScouterQueueBuilder(services);
        services.TryAddSingleton(builder);
        services.TryAddSingleton(sp => new ScouterQueueHost(sp.GetRequiredService<ScouterQueueBuilder>(), sp));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ScouterQueueHost>(sp => sp.GetRequiredService<ScouterQueueHost>()));
        services.TryAddSingleton(sp => sp.GetRequiredService<ScouterQueueHost>().Queue);
        return builder;
    }
}
