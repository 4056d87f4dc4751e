using OpenTelemetry.Metrics;
using Scouter.Server;
using Scouter.Server.Telemetry;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>OpenTelemetry metrics with a Prometheus scrape endpoint at <c>/metrics</c>.</summary>
internal static class TelemetryExtensions
{
    /// <summary>Adds the server's meter and the ASP.NET Core / runtime instruments.</summary>
    public static IServiceCollection AddScouterTelemetry(this IServiceCollection services)
    {
        services.AddSingleton<ServerMetrics>();
        services.AddOpenTelemetry().WithMetrics(m => m
            .AddMeter(ServerMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
            .AddPrometheusExporter());
        return services;
    }

    /// <summary>Maps <c>/metrics</c>, anonymous unless <see cref="ServerOptions.MetricsRequireAuth"/>.</summary>
    public static WebApplication MapScouterTelemetry(this WebApplication app, ServerOptions options)
    {
        var endpoint = app.MapPrometheusScrapingEndpoint("/metrics");
        if (options.MetricsRequireAuth) endpoint.RequireAuthorization();
        else endpoint.AllowAnonymous();
        return app;
    }
}
