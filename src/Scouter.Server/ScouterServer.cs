using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.HttpOverrides;
using Scouter.Server.Apis;
using Scouter.Server.Dashboard;

namespace Scouter.Server;

/// <summary>
/// Builds the Scouter server application. Used by <c>Program</c>, by <c>scouter server</c>, and by
/// tests (which pass <c>Port = 0</c> and read the bound address from <see cref="Url"/>).
/// </summary>
public static class ScouterServer
{
    /// <summary>Builds the app from command-line/environment settings; <paramref name="configure"/> may override them.</summary>
    public static WebApplication Build(string[] args, Action<ServerOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args });
        var options = ServerOptions.FromConfiguration(builder.Configuration);
        configure?.Invoke(options);

        builder.WebHost.UseKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            k.AddServerHeader = false;
        });
        builder.WebHost.UseUrls($"http://{options.Host}:{options.Port}");
        builder.Logging.AddSimpleConsole(c => c.SingleLine = true);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddProblemDetails(p => p.CustomizeProblemDetails = Problems.Complete);
        // Bodies are read by ApiBody; other binding failures (e.g. a malformed route value) throw into
        // ApiErrors, which answers a coded problem and logs the client's mistake at Debug only.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.ConfigureHttpJsonOptions(json => ApiJson.Configure(json.SerializerOptions));
        builder.Services.AddOpenApi();
        var trustedProxies = options.TrustedProxyNetworks();
        builder.Services.Configure<ForwardedHeadersOptions>(forwarded =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Only the configured proxies: not even loopback is believed by default.
            forwarded.KnownIPNetworks.Clear();
            forwarded.KnownProxies.Clear();
            foreach (var network in trustedProxies) forwarded.KnownIPNetworks.Add(network);
        });
        builder.Services.AddScouterStorage(options);
        builder.Services.AddScouterTelemetry();
        builder.Services.AddScouterAuth(options);
        builder.Services.AddScouterData(options);
        builder.Services.AddScouterJobs(options);
        builder.Services.AddScouterEvaluation(options);
        builder.Services.AddScouterJudge(options);
        builder.Services.AddScouterBrokerConsumers(options);
        services?.Invoke(builder.Services);

        var app = builder.Build();
        if (trustedProxies.Count > 0) app.UseForwardedHeaders();
        app.UseExceptionHandler(ApiErrors.Options());
        app.UseStatusCodePages();
        app.Use(UnsupportedMediaTypeFirst.InvokeAsync);
        app.UseScouterAuth();
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapHealthApi();
        app.MapDashboard();
        app.MapScouterTelemetry(options);
        var api = app.MapGroup("/api/v1");
        api.AddEndpointFilter(TextRules.FilterAsync);
        api.MapAuthApi();
        api.MapDataApi();
        api.MapJobsApi();
        return app;
    }

    /// <summary>The first address the started app listens on, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public static string Url(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
}
