using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Scouter.Api;
using Scouter.Server.Evaluation;
using Scouter.Server.Storage;

namespace Scouter.Server.Tests.Fixtures;

/// <summary>
/// One server replica's LLM evaluation, wired as the server wires it (AddScouterJudge + AddScouterEvaluation)
/// on a shared test database and fake time, with the judge's chat client replaced by the given one
/// (null: no judge configured).
/// </summary>
internal sealed class EvaluationReplica : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    public EvaluationReplica(ScouterDatabase db, FakeTimeProvider time, IChatClient? chat, EvaluationOptions? options = null)
    {
        var server = new ServerOptions { Evaluation = options ?? new EvaluationOptions() };
        var services = new ServiceCollection().AddLogging(b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Debug));
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton(db);
        services.AddScouterData(server);
        if (chat is not null) services.AddKeyedSingleton(JudgeExtensions.ChatClientKey, chat);
        services.AddScouterJudge(server).AddScouterEvaluation(server);
        _provider = services.BuildServiceProvider();
        Worker = _provider.GetRequiredService<EvaluationWorker>();
    }

    public TestLoggerProvider Logs { get; } = new();

    public EvaluationWorker Worker { get; }

    public JudgeState JudgeState => _provider.GetRequiredService<JudgeBreaker>().State(_provider.GetRequiredService<IJudge>().IsConfigured);

    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}
