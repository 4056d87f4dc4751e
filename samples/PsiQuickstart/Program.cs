using System.Text.Json.Serialization;
using Scouter;
using Scouter.Client;
using Scouter.Data;

namespace PsiQuickstart;

/// <summary>
/// Seed 002 (PSI quickstart): a PSI profile of the credit model, built from the training data and
/// registered once, then loaded from its local path by the host-managed queue
/// (<c>AddScouterQueue(q => q.AddProfile("psi", path).UseHttp())</c>); <c>POST /predict</c> inserts
/// the request's features into <c>queue["psi"]</c>.
/// </summary>
internal static class Program
{
    /// <summary>Queue alias of the PSI profile.</summary>
    public const string Alias = "psi";

    public static async Task Main(string[] args)
    {
        await using var app = await BuildAsync(args);
        await app.RunAsync();
    }

    /// <summary>
    /// Makes sure the profile exists at <c>PSI_PROFILE_PATH</c> (relative to the content root; default
    /// <c>psi_profile.json</c>): when it
    /// does not, builds it from <c>CREDIT_TRAIN_CSV</c> (default: the bundled credit_train.csv), registers
    /// it and saves the registered profile there. Then builds the app (not started). The server and
    /// credentials come from <c>SCOUTER_SERVER_URI</c>, <c>SCOUTER_USERNAME</c>, <c>SCOUTER_PASSWORD</c>
    /// (or <c>SCOUTER_API_KEY</c>), as environment variables or <c>--KEY=value</c> arguments.
    /// </summary>
    public static async Task<WebApplication> BuildAsync(string[] args, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateBuilder(args);
        var configuration = builder.Configuration;
        var clientOptions = new ScouterClientOptions
        {
            ServerUri = configuration["SCOUTER_SERVER_URI"],
            ApiKey = configuration["SCOUTER_API_KEY"],
            Username = configuration["SCOUTER_USERNAME"],
            Password = configuration["SCOUTER_PASSWORD"],
        };
        var profilePath = Path.GetFullPath(configuration["PSI_PROFILE_PATH"] ?? "psi_profile.json", builder.Environment.ContentRootPath);
        if (!File.Exists(profilePath))
        {
            var csv = configuration["CREDIT_TRAIN_CSV"] ?? Path.Combine(AppContext.BaseDirectory, "data", "credit_train.csv");
            var profile = await CreateProfileAsync(csv, cancellationToken);
            await using var client = new ScouterClient(clientOptions);
            var registered = await client.RegisterProfileAsync(profile, setActive: true, cancellationToken: cancellationToken);
            registered.Save(profilePath);
            await Console.Out.WriteLineAsync($"Registered PSI profile {registered.Config.Space}/{registered.Config.Name}/{registered.Config.Version} " +
                $"(uid {registered.Config.Uid}) and saved it to {profilePath}.");
        }

        // The queue loads the profile from its path when the host starts and is flushed when it stops.
        builder.Services.AddScouterQueue(q => q
            .AddProfile(Alias, profilePath)
            .ConfigureClient(o =>
            {
                o.ServerUri = clientOptions.ServerUri;
                o.ApiKey = clientOptions.ApiKey;
                o.Username = clientOptions.Username;
                o.Password = clientOptions.Password;
            })
            .UseHttp());

        var app = builder.Build();
        app.MapPost("/predict", (PredictRequest request, ScouterQueue queue) =>
        {
            var prediction = Model.Predict(request);
            queue[Alias].Insert(request.ToFeatures());
            return new PredictResponse(prediction);
        });
        return app;
    }

    /// <summary>The PSI profile of the credit model's inputs, from the training CSV (one row per <see cref="PredictRequest"/>).</summary>
    public static async Task<PsiDriftProfile> CreateProfileAsync(string csvPath, CancellationToken cancellationToken = default)
    {
        var table = await TableFile.ReadAsync(csvPath, new TableReadOptions { Columns = ["age", "income", "credit_score", "debt_ratio", "region"] },
            cancellationToken);
        var age = ((NumericColumn)table["age"]).AsMemory();
        var income = ((NumericColumn)table["income"]).AsMemory();
        var creditScore = ((NumericColumn)table["credit_score"]).AsMemory();
        var debtRatio = ((NumericColumn)table["debt_ratio"]).AsMemory();
        var region = ((CategoricalColumn)table["region"]).Values;
        var rows = new PredictRequest[table.RowCount];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = new PredictRequest(age.Span[i], income.Span[i], creditScore.Span[i], debtRatio.Span[i], region[i] ?? "unknown");
        }
        return Drifter.CreatePsiProfile(rows, new PsiDriftConfig { Space = "credit", Name = "credit_model", Version = "1.0.0" },
            cancellationToken: cancellationToken);
    }
}

/// <summary>The model input: a few credit features. The feature names are the property names.</summary>
internal sealed record PredictRequest(
    [property: JsonPropertyName("age")] double Age,
    [property: JsonPropertyName("income")] double Income,
    [property: JsonPropertyName("credit_score")] double CreditScore,
    [property: JsonPropertyName("debt_ratio")] double DebtRatio,
    [property: JsonPropertyName("region")] string Region) : IFeatureSource;

/// <summary>The answer of <c>/predict</c>.</summary>
internal sealed record PredictResponse([property: JsonPropertyName("value")] double Value);

/// <summary>A stand-in for the real model: a default probability from a fixed logistic score.</summary>
internal static class Model
{
    public static double Predict(PredictRequest request)
    {
        var score = -4.0 + 3.0 * request.DebtRatio - 0.004 * (request.CreditScore - 650) + 0.00001 * (50_000 - request.Income);
        return Math.Round(1.0 / (1.0 + Math.Exp(-score)), 4, MidpointRounding.ToEven);
    }
}
