using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Scouter;
using Scouter.Client;

namespace LlmQuickstart;

/// <summary>
/// Seed 002's <c>LLMRecord</c> part: registers an LLM drift profile (a judge metric whose prompt uses
/// <c>${input}</c>, <c>${response}</c> and <c>${context.foo}</c>, and an assertion metric that needs no
/// model) and serves <c>POST /ask</c>, whose question and answer go to the server as an
/// <see cref="LlmRecord"/> through the queue. The server judges the records (see docs/llm-judge.md).
/// </summary>
internal static class Program
{
    /// <summary>Queue alias of the LLM profile.</summary>
    public const string Alias = "llm";

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
        await using (var client = new ScouterClient(clientOptions))
        {
            await RegisterAsync(client, CreateProfile(), Console.Out, cancellationToken);
        }

        // The queue downloads the registered profile at start-up and sends records over HTTP.
        builder.Services.AddScouterQueue(q => q
            .AddProfile(Alias, new GetProfileRequest { Space = "llm_quickstart", Name = "qa_bot", Version = "0.0.1", DriftType = DriftType.Llm })
            .ConfigureClient(o =>
            {
                o.ServerUri = clientOptions.ServerUri;
                o.ApiKey = clientOptions.ApiKey;
                o.Username = clientOptions.Username;
                o.Password = clientOptions.Password;
            })
            .UseHttp());

        var app = builder.Build();
        app.MapPost("/ask", (AskRequest request, ScouterQueue queue) =>
        {
            var answer = Answer(request.Question);
            // Input, response and context are injected into the judge prompts on the server (${input}, ${response}, ${context.foo}).
            queue[Alias].Insert(new LlmRecord(input: request.Question, response: answer, context: new Dictionary<string, object?> { ["foo"] = "bar" }));
            return new AskResponse(answer);
        });
        return app;
    }

    /// <summary>
    /// The LLM profile: <c>relevance</c> judged 1-5 (baseline 4, alert below 3.5) and
    /// <c>names_a_capital</c>, an assertion (the answer contains "capital"; baseline 1, alert below 0.8).
    /// </summary>
    public static LlmDriftProfile CreateProfile() => new(
        new LlmDriftConfig
        {
            Space = "llm_quickstart",
            Name = "qa_bot",
            Version = "0.0.1",
            SampleRate = 1.0,
            AlertConfig = new LlmAlertConfig { Schedule = CommonCrons.EveryDay },
        },
        [
            new LlmMetric("relevance", baseline: 4,
                prompt: "Rate from 1 to 5 how well the response answers the question.\nQuestion: ${input}\nResponse: ${response}\nTopic hint: ${context.foo}",
                AlertThreshold.Below, delta: 0.5, scoreRange: new ScoreRange(1, 5)),
        ],
        [new AssertionMetric("names_a_capital", baseline: 1, field: "response", AssertionOperator.Contains, JsonValue.Create("capital"), delta: 0.2)]);

    /// <summary>The "LLM service" of the sample: a canned answer.</summary>
    private static string Answer(string question) =>
        question.Contains("France", StringComparison.OrdinalIgnoreCase) ? "Paris is the capital of France." : "I do not know.";

    private static async Task RegisterAsync(ScouterClient client, LlmDriftProfile profile, TextWriter log, CancellationToken cancellationToken)
    {
        try
        {
            var registered = await client.RegisterProfileAsync(profile, setActive: true, cancellationToken: cancellationToken);
            await log.WriteLineAsync($"Registered LLM profile {registered.Config.Space}/{registered.Config.Name}/{registered.Config.Version} (uid {registered.Config.Uid}).");
        }
        catch (ScouterApiException e) when (e.StatusCode == StatusCodes.Status409Conflict)
        {
            await log.WriteLineAsync("LLM profile llm_quickstart/qa_bot/0.0.1 is already registered.");
        }
    }
}

/// <summary>The question a user asks.</summary>
internal sealed record AskRequest([property: JsonPropertyName("question")] string Question);

/// <summary>The answer of <c>/ask</c>.</summary>
internal sealed record AskResponse([property: JsonPropertyName("answer")] string Answer);
