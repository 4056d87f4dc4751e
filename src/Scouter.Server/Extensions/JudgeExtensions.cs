using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Scouter.Server;
using Scouter.Server.Evaluation;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The LLM judge: an OpenAI-compatible chat client and the judge the evaluation worker asks.</summary>
internal static class JudgeExtensions
{
    /// <summary>Service key of the judge's <see cref="IChatClient"/>; register another under it to replace the endpoint (tests do).</summary>
    public const string ChatClientKey = "scouter-judge";

    /// <summary>Name of the judge's HTTP client.</summary>
    public const string HttpClientName = "scouter-judge";

    /// <summary>How long opening a connection to the judge may take, at most (10 s, or the judge timeout when shorter).</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Validates <see cref="ServerOptions.Judge"/> and, when an endpoint is set, registers the judge's chat
    /// client (keyed <see cref="ChatClientKey"/>) over its own HTTP client, whose answers are bounded by
    /// <see cref="JudgeOptions.MaxAnswerBytes"/>. The judge is always registered; without an endpoint or an
    /// injected chat client it reports itself unconfigured. Safe to call twice.
    /// </summary>
    public static IServiceCollection AddScouterJudge(this IServiceCollection services, ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (services.Any(d => d.ServiceType == typeof(IJudge))) return services;
        var judge = options.Judge;
        judge.Validate();
        if (judge.IsConfigured)
        {
            services.AddHttpClient(HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
                .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
                {
                    ConnectTimeout = judge.Timeout < ConnectTimeout ? judge.Timeout : ConnectTimeout,
                    PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                    UseCookies = false,
                })
                .AddHttpMessageHandler(() => new JudgeAnswerLimitHandler(judge.MaxAnswerBytes))
                // The worker logs every call's outcome; a line per request would bury it.
                .RemoveAllLoggers();
            services.TryAddKeyedSingleton<IChatClient>(ChatClientKey,
                (sp, _) => JudgeChatClient.Create(judge, sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName)));
        }
        services.TryAddSingleton<IJudge>(sp => new ChatJudge(
            sp.GetKeyedService<IChatClient>(ChatClientKey), judge, sp.GetService<TimeProvider>() ?? TimeProvider.System));
        return services;
    }
}
