using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Scouter.Server.Evaluation;
using Scouter.Testing;
using Xunit;

namespace Scouter.Server.Tests.Evaluation;

/// <summary>The judge client as registered by the server, talking HTTP to the scripted judge on loopback.</summary>
public sealed class JudgeWireTests : IAsyncLifetime
{
    private static readonly JudgeRequest Question = new("You grade answers from 1 to 5.", "Question: 2+2?\nAnswer: 4", null, 1, 5);

    private ScriptedJudge _stub = null!;

    public async ValueTask InitializeAsync() => _stub = await ScriptedJudge.StartAsync();

    public async ValueTask DisposeAsync() => await _stub.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IJudge Judge(Action<JudgeOptions>? configure = null, TimeProvider? time = null, Uri? endpoint = null)
    {
        var options = new ServerOptions();
        options.Judge.Endpoint = endpoint ?? _stub.Endpoint;
        options.Judge.Model = "judge-model";
        options.Judge.ApiKey = "sk-test";
        configure?.Invoke(options.Judge);
        var services = new ServiceCollection().AddLogging();
        if (time is not null) services.AddSingleton(time);
        return services.AddScouterJudge(options).BuildServiceProvider().GetRequiredService<IJudge>();
    }

    [Fact]
    public async Task Ask_SendsOneChatCompletion_WithBearerKeyModelTemperatureZeroSchemaAndMessages()
    {
        _stub.Enqueue(ScriptedAnswer.Reply("""{"score": 4, "reason": "correct"}""", inputTokens: 31, outputTokens: 9));

        var result = await Judge().AskAsync(Question, Ct);

        var request = Assert.Single(_stub.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal("Bearer sk-test", request.Authorization);
        Assert.Equal("judge-model", request.Model);
        Assert.Equal(0, request.Temperature);
        Assert.Equal([("system", "You grade answers from 1 to 5."), ("user", "Question: 2+2?\nAnswer: 4")], request.Messages);
        var format = request.ResponseFormat!.Value;
        Assert.Equal("json_schema", format.GetProperty("type").GetString());
        var jsonSchema = format.GetProperty("json_schema");
        Assert.Equal("judge_answer", jsonSchema.GetProperty("name").GetString());
        var schema = jsonSchema.GetProperty("schema");
        Assert.Equal("object", schema.GetProperty("type").GetString());
        Assert.Equal("number", schema.GetProperty("properties").GetProperty("score").GetProperty("type").GetString());
        Assert.Equal(1, schema.GetProperty("properties").GetProperty("score").GetProperty("minimum").GetDouble());
        Assert.Equal(5, schema.GetProperty("properties").GetProperty("score").GetProperty("maximum").GetDouble());
        Assert.Equal("string", schema.GetProperty("properties").GetProperty("reason").GetProperty("type").GetString());
        Assert.Equal(["score", "reason"], schema.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.False(schema.GetProperty("additionalProperties").GetBoolean());
        Assert.Equal(["reason", "score"], schema.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order());

        Assert.Null(result.Failure);
        Assert.Equal(new JudgeReply("""{"score": 4, "reason": "correct"}""", 31, 9, ScriptedJudge.ModelName), result.Reply);
    }

    [Fact]
    public async Task Ask_WithMetricModel_SendsThatModel()
    {
        _stub.Enqueue(ScriptedAnswer.Score(3));

        await Judge().AskAsync(Question with { Model = "metric-model" }, Ct);

        Assert.Equal("metric-model", Assert.Single(_stub.Requests).Model);
    }

    [Fact]
    public async Task Ask_WithoutScoreRange_SchemaHasNoBounds()
    {
        _stub.Enqueue(ScriptedAnswer.Score(0.7));

        await Judge().AskAsync(Question with { MinScore = null, MaxScore = null }, Ct);

        var score = Assert.Single(_stub.Requests).ResponseFormat!.Value.GetProperty("json_schema").GetProperty("schema").GetProperty("properties").GetProperty("score");
        Assert.Equal(["type"], score.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Ask_JsonObjectFormat_SendsJsonObjectWithoutSchema()
    {
        _stub.Enqueue(ScriptedAnswer.Score(2));

        await Judge(j => j.ResponseFormat = JudgeResponseFormat.JsonObject).AskAsync(Question, Ct);

        var format = Assert.Single(_stub.Requests).ResponseFormat!.Value;
        Assert.Equal("""{"type":"json_object"}""", JsonSerializer.Serialize(format));
    }

    [Fact]
    public async Task Ask_TextFormat_SendsNoResponseFormat()
    {
        _stub.Enqueue(ScriptedAnswer.Score(2));

        var result = await Judge(j => j.ResponseFormat = JudgeResponseFormat.Text).AskAsync(Question, Ct);

        Assert.Null(Assert.Single(_stub.Requests).ResponseFormat);
        Assert.NotNull(result.Reply);
    }

    [Fact]
    public async Task Ask_WithoutApiKey_SendsNoAuthorizationHeader()
    {
        _stub.Enqueue(ScriptedAnswer.Score(2));

        var result = await Judge(j => j.ApiKey = null).AskAsync(Question, Ct);

        Assert.NotNull(result.Reply);
        Assert.Null(Assert.Single(_stub.Requests).Authorization);
    }

    [Fact]
    public async Task Ask_WithoutSystemMessage_SendsOnlyTheUserMessage()
    {
        _stub.Enqueue(ScriptedAnswer.Score(2));

        await Judge().AskAsync(Question with { SystemMessage = "" }, Ct);

        Assert.Equal([("user", "Question: 2+2?\nAnswer: 4")], Assert.Single(_stub.Requests).Messages);
    }

    [Fact]
    public async Task Ask_AnswerWithoutUsage_HasNoTokenCounts()
    {
        _stub.Enqueue(ScriptedAnswer.Reply("""{"score":1,"reason":"r"}"""));

        var reply = (await Judge().AskAsync(Question, Ct)).Reply!;

        Assert.Null(reply.InputTokens);
        Assert.Null(reply.OutputTokens);
    }

    [Theory]
    [InlineData(401, true)]
    [InlineData(403, true)]
    [InlineData(404, true)]
    [InlineData(400, false)]
    [InlineData(408, false)]
    [InlineData(429, false)]
    [InlineData(500, false)]
    [InlineData(502, false)]
    [InlineData(503, false)]
    public async Task Ask_HttpError_IsClassified_AfterExactlyOneRequest(int status, bool configuration)
    {
        var kind = configuration ? JudgeFailureKind.Configuration : JudgeFailureKind.Transient;
        _stub.Enqueue(ScriptedAnswer.Error(status));
        _stub.Answer = _ => ScriptedAnswer.Score(5); // a retry would succeed: it must not happen

        var result = await Judge().AskAsync(Question, Ct);

        Assert.Null(result.Reply);
        Assert.Equal(new JudgeFailure(kind, $"judge: http {status}", status, null), result.Failure);
        Assert.Equal(1, _stub.RequestCount);
    }

    [Theory]
    [InlineData("""{"error":{"message":"The model `gpt-9` does not exist.","type":"invalid_request_error","code":"model_not_found"}}""", "judge: http 400 model not found")]
    [InlineData("""{"error":{"message":"Invalid model name passed in model=gpt-9"}}""", "judge: http 400 model not found")]
    [InlineData("""{"error":{"message":"response_format json_schema is not supported by this server"}}""", "judge: http 400 response format rejected (SCOUTER_LLM_RESPONSE_FORMAT)")]
    public async Task Ask_BadRequestNamingModelOrFormat_IsConfiguration(string body, string reason)
    {
        _stub.Enqueue(ScriptedAnswer.Error(400, body: body));

        var failure = (await Judge().AskAsync(Question, Ct)).Failure;

        Assert.Equal(new JudgeFailure(JudgeFailureKind.Configuration, reason, 400, null), failure);
    }

    [Fact]
    public async Task Ask_429WithRetryAfterSeconds_CarriesIt()
    {
        _stub.Enqueue(ScriptedAnswer.Error(429, retryAfter: "7"));

        var failure = (await Judge().AskAsync(Question, Ct)).Failure;

        Assert.Equal(new JudgeFailure(JudgeFailureKind.Transient, "judge: http 429", 429, TimeSpan.FromSeconds(7)), failure);
        Assert.Equal(1, _stub.RequestCount);
    }

    [Fact]
    public async Task Ask_503WithRetryAfterDate_CarriesTheTimeUntilThen()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 3, 14, 9, 26, 53, TimeSpan.Zero));
        _stub.Enqueue(ScriptedAnswer.Error(503, retryAfter: "Fri, 14 Mar 2025 09:28:23 GMT"));

        var failure = (await Judge(time: time).AskAsync(Question, Ct)).Failure;

        Assert.Equal(new JudgeFailure(JudgeFailureKind.Transient, "judge: http 503", 503, TimeSpan.FromSeconds(90)), failure);
    }

    [Fact]
    public async Task Ask_RetryAfterDateInThePast_IsZero()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 3, 14, 9, 26, 53, TimeSpan.Zero));
        _stub.Enqueue(ScriptedAnswer.Error(429, retryAfter: "Fri, 14 Mar 2025 09:00:00 GMT"));

        var failure = (await Judge(time: time).AskAsync(Question, Ct)).Failure;

        Assert.Equal(TimeSpan.Zero, failure!.RetryAfter);
    }

    [Fact]
    public async Task Ask_NoAnswerWithinTimeout_IsTransientTimeout_AfterExactlyOneRequest()
    {
        _stub.Enqueue(ScriptedAnswer.NoAnswer());
        _stub.Answer = _ => ScriptedAnswer.Score(5);

        var result = await Judge(j => j.Timeout = TimeSpan.FromSeconds(1.5)).AskAsync(Question, Ct);

        Assert.Equal(new JudgeFailure(JudgeFailureKind.Transient, "judge: timeout after 1.5 s", null, null), result.Failure);
        Assert.Equal(1, _stub.RequestCount);
    }

    [Fact]
    public async Task Ask_CallerCancels_ThrowsOperationCanceled()
    {
        _stub.Enqueue(ScriptedAnswer.NoAnswer());
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var judge = Judge();

        var ask = judge.AskAsync(Question, cts.Token);
        while (_stub.RequestCount == 0) await Task.Delay(10, Ct); // the request is on the wire
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ask);
    }

    [Fact]
    public async Task Ask_ConnectionRefused_IsTransient()
    {
        var closed = ClosedPort();

        var failure = (await Judge(endpoint: new Uri($"http://127.0.0.1:{closed}/v1")).AskAsync(Question, Ct)).Failure!;

        Assert.Equal(JudgeFailureKind.Transient, failure.Kind);
        Assert.StartsWith("judge: connection failed", failure.Reason, StringComparison.Ordinal);
        Assert.Null(failure.Status);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Ask_AnswerOverTheLimit_IsTransient(bool chunked)
    {
        _stub.Enqueue(ScriptedAnswer.Reply(new string('x', 5000)) with { Chunked = chunked });

        var result = await Judge(j => j.MaxAnswerBytes = 4096).AskAsync(Question, Ct);

        Assert.Equal(new JudgeFailure(JudgeFailureKind.Transient, "judge: answer over 4096 bytes", null, null), result.Failure);
        Assert.Equal(1, _stub.RequestCount);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Ask_AnswerUnderTheLimit_IsRead(bool chunked)
    {
        var text = new string('x', 3000);
        _stub.Enqueue(ScriptedAnswer.Reply(text) with { Chunked = chunked });

        var result = await Judge(j => j.MaxAnswerBytes = 4096).AskAsync(Question, Ct);

        Assert.Equal(text, result.Reply?.Text);
    }

    [Fact]
    public async Task Ask_ErrorBodyOverTheLimit_IsTransient()
    {
        _stub.Enqueue(ScriptedAnswer.Error(500, body: new string(' ', 5000) + "{}") with { Chunked = true });

        var failure = (await Judge(j => j.MaxAnswerBytes = 4096).AskAsync(Question, Ct)).Failure;

        Assert.Equal(new JudgeFailure(JudgeFailureKind.Transient, "judge: answer over 4096 bytes", null, null), failure);
    }

    [Fact]
    public async Task Ask_NotAChatCompletion_IsTransientMalformed()
    {
        _stub.Enqueue(new ScriptedAnswer { Body = "<html>gateway</html>" });

        var failure = (await Judge().AskAsync(Question, Ct)).Failure;

        Assert.Equal(new JudgeFailure(JudgeFailureKind.Transient, "judge: malformed response", null, null), failure);
    }

    [Fact]
    public async Task WithoutEndpoint_JudgeIsNotConfigured_AndSendsNothing()
    {
        var judge = new ServiceCollection().AddLogging().AddScouterJudge(new ServerOptions()).BuildServiceProvider().GetRequiredService<IJudge>();

        var result = await judge.AskAsync(Question, Ct);

        Assert.False(judge.IsConfigured);
        Assert.Equal(JudgeFailureKind.Configuration, result.Failure?.Kind);
        Assert.Equal(0, _stub.RequestCount);
    }

    [Fact]
    public async Task InjectedChatClient_ReplacesTheEndpoint()
    {
        var fake = new FakeChatClient("""{"score":2,"reason":"fake"}""") { Usage = (5, 2) };
        var services = new ServiceCollection().AddLogging().AddScouterJudge(new ServerOptions());
        services.AddKeyedSingleton<IChatClient>(JudgeExtensions.ChatClientKey, fake);
        var judge = services.BuildServiceProvider().GetRequiredService<IJudge>();

        var result = await judge.AskAsync(Question with { Model = "m" }, Ct);

        Assert.True(judge.IsConfigured);
        Assert.Equal(new JudgeReply("""{"score":2,"reason":"fake"}""", 5, 2, "m"), result.Reply);
        var call = Assert.Single(fake.Received);
        Assert.Equal((Question.SystemMessage, Question.UserMessage, 0f), (call.System, call.User, call.Options?.Temperature));
    }

    [Fact]
    public async Task FakeChatClientHttpError_IsClassifiedLikeTheWire()
    {
        var fake = new FakeChatClient((_, _) => throw FakeChatClient.HttpError(429, "12"));
        var judge = new ChatJudge(fake, new JudgeOptions(), TimeProvider.System);

        var failure = (await judge.AskAsync(Question, Ct)).Failure;

        Assert.Equal(new JudgeFailure(JudgeFailureKind.Transient, "judge: http 429", 429, TimeSpan.FromSeconds(12)), failure);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
