using System.Text.Json.Serialization;
using Scouter;
using Scouter.Client;

namespace CustomMetricQuickstart;

/// <summary>
/// Seed 000 (custom-metric quickstart): registers a custom drift profile (OpsGenie dispatch, weekly
/// schedule, set_active) and serves <c>POST /predict</c>, whose malic_acid goes to the server as the
/// metric <c>custom_metric</c> through the <c>WithScouter()</c> endpoint filter.
/// </summary>
internal static class Program
{
    /// <summary>Queue alias of the custom profile.</summary>
    public const string Alias = "custom";

    public static async Task Main(string[] args)
    {
        await using var app = await BuildAsync(args);
        await app.RunAsync();
    }

    /// <summary>
    /// Registers the profile, then builds the app (not started). The server and credentials come from
    /// configuration: <c>SCOUTER_SERVER_URI</c>, <c>SCOUTER_USERNAME</c>, <c>SCOUTER_PASSWORD</c>
    /// (or <c>SCOUTER_API_KEY</c>), as environment variables or <c>--KEY=value</c> arguments.
    /// </summary>
    public static async Task<WebApplication> BuildAsync(string[] args, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateBuilder(args);
        var clientOptions = new ScouterClientOptions
        {
            ServerUri = builder.Configuration["SCOUTER_SERVER_URI"],
            ApiKey = builder.Configuration["SCOUTER_API_KEY"],
            Username = builder.Configuration["SCOUTER_USERNAME"],
            Password = builder.Configuration["SCOUTER_PASSWORD"],
        };

        // Part 1 of the seed: create the profile and register it (set_active: the server runs the weekly check).
        await using (var client = new ScouterClient(clientOptions))
        {
            await RegisterAsync(client, CreateProfile(), Console.Out, cancellationToken);
        }

        // Part 2: the queue downloads the registered profile at start-up and sends records over HTTP.
        builder.Services.AddScouterQueue(q => q
            .AddProfile(Alias, new GetProfileRequest { Space = "wine_model", Name = "wine_model", Version = "0.0.1", DriftType = DriftType.Custom })
            .ConfigureClient(o =>
            {
                o.ServerUri = clientOptions.ServerUri;
                o.ApiKey = clientOptions.ApiKey;
                o.Username = clientOptions.Username;
                o.Password = clientOptions.Password;
            })
            .UseHttp());

        var app = builder.Build();
        app.MapPost("/predict", (HttpContext context, PredictRequest payload) =>
        {
            context.SetScouterData(Alias, payload.ToMetrics());
            return new PredictResponse("success");
        }).WithScouter();
        return app;
    }

    /// <summary>The custom profile of the seed: custom_metric, baseline 0.03, alert above 0.03 + 0.02.</summary>
    public static CustomDriftProfile CreateProfile() => new(
        new CustomMetricDriftConfig
        {
            Space = "wine_model",
            Name = "wine_model",
            Version = "0.0.1",
            AlertConfig = new CustomMetricAlertConfig
            {
                // Notify the team via OpsGenie if drift is detected; run the drift check once a week.
                Dispatch = [new OpsGenieDispatchConfig { Team = "the-ds-team" }],
                Schedule = CommonCrons.EveryWeek,
            },
        },
        [new CustomMetric("custom_metric", baseline: MyCustomMetric(), AlertThreshold.Above, delta: 0.02)]);

    private static double MyCustomMetric() => 0.03;

    private static async Task RegisterAsync(ScouterClient client, CustomDriftProfile profile, TextWriter log, CancellationToken cancellationToken)
    {
        try
        {
            var registered = await client.RegisterProfileAsync(profile, setActive: true, cancellationToken: cancellationToken);
            await log.WriteLineAsync($"Registered custom profile {registered.Config.Space}/{registered.Config.Name}/{registered.Config.Version} (uid {registered.Config.Uid}).");
        }
        catch (ScouterApiException e) when (e.StatusCode == StatusCodes.Status409Conflict)
        {
            // A second run against the same server: the profile is already there; the queue downloads it.
            await log.WriteLineAsync("Custom profile wine_model/wine_model/0.0.1 is already registered.");
        }
    }
}

/// <summary>The model input of the seed.</summary>
internal sealed record PredictRequest(
    [property: JsonPropertyName("malic_acid")] double MalicAcid,
    [property: JsonPropertyName("total_phenols")] double TotalPhenols,
    [property: JsonPropertyName("color_intensity")] double ColorIntensity)
{
    public Metrics ToMetrics() => new([new Metric("custom_metric", MalicAcid)]);
}

/// <summary>The answer of <c>/predict</c>.</summary>
internal sealed record PredictResponse([property: JsonPropertyName("message")] string Message);
