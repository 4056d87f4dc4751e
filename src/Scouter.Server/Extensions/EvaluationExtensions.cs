using Microsoft.Extensions.DependencyInjection.Extensions;
using Scouter.Server;
using Scouter.Server.Evaluation;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>LLM record evaluation: the worker, its gate and circuit breaker, and its instruments.</summary>
internal static class EvaluationExtensions
{
    /// <summary>
    /// Registers the evaluation worker as a hosted service with <see cref="ServerOptions.Evaluation"/>.
    /// Needs the judge (<c>AddScouterJudge</c>) and the data services. Safe to call twice.
    /// </summary>
    public static IServiceCollection AddScouterEvaluation(this IServiceCollection services, ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (services.Any(d => d.ServiceType == typeof(EvaluationWorker))) return services;
        services.TryAddSingleton(options.Evaluation);
        services.TryAddSingleton<JudgeGate>();
        services.TryAddSingleton<JudgeBreaker>();
        services.TryAddSingleton<EvaluationMetrics>();
        services.TryAddSingleton<RecordEvaluator>();
        services.AddSingleton<EvaluationWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<EvaluationWorker>());
        return services;
    }
}
