using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Scouter.Server.Evaluation;
using Scouter.Server.Storage;
using Scouter.Server.Tests.Fixtures;
using Scouter.Testing;
using Xunit;

namespace Scouter.Server.Tests.Evaluation;

/// <summary>The evaluation worker with a fake chat client and fake time, on both stores.</summary>
public sealed class EvaluationWorkerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
    private const string Payload = """{"input":"what is 2+2?","response":"4","prompt":null,"context":{"topic":"math","expected":"4"}}""";
    private const string Good = """{"score": 5, "reason": "right"}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static LlmDriftProfile Profile(string prompt = "Q: ${input}\nA: ${response}\nTopic: ${context.topic}", bool judged = true, string space = "eval") => new(
        new LlmDriftConfig { Space = space, Name = "bot", Version = "1.0.0" },
        judged ? [new LlmMetric("relevance", 4, prompt, scoreRange: new ScoreRange(1, 5))] : [],
        [new AssertionMetric("exact", 1, "response", AssertionOperator.EqualTo, JsonValue.Create("${context.expected}"))]);

    private sealed class Setup(TestDatabase db, FakeTimeProvider time, Guid uid, Guid[] ids) : IAsyncDisposable
    {
        public TestDatabase Db { get; } = db;
        public FakeTimeProvider Time { get; } = time;
        public Guid Uid { get; } = uid;
        public Guid[] Ids { get; } = ids;
        public LlmEvaluationStore Store { get; } = new(db.Database);

        public EvaluationReplica Replica(FakeChatClient? chat, EvaluationOptions? options = null) => new(Db.Database, Time, chat, options);

        public async Task<(string Status, int Attempts, string? Error, IReadOnlyList<Api.LlmMetricScore> Scores, DateTimeOffset? NextAttempt)> RecordAsync(Guid id)
        {
            var (record, _, scores) = (await Store.GetAsync(id, Ct))!.Value;
            var next = await Seed.CountAsync(Db.Database, "select count(*) from llm_records where id = @id and next_attempt_at is not null", new { id = Db.Database.Id(id) });
            return (record.Status, record.Attempts, record.Error, scores, next == 0 ? null : await NextAttemptAsync(id));
        }

        private async Task<DateTimeOffset?> NextAttemptAsync(Guid id)
        {
            await using var connection = await Db.Database.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "select next_attempt_at from llm_records where id = @id";
            var p = command.CreateParameter();
            p.ParameterName = "id";
            p.Value = Db.Database.Id(id);
            command.Parameters.Add(p);
            return DbValues.ReadNullableTime(await command.ExecuteScalarAsync(Ct));
        }

        public ValueTask DisposeAsync() => Db.DisposeAsync();
    }

    private static async Task<Setup> StartAsync(SqlDialect dialect, LlmDriftProfile? profile = null, int records = 1, string payload = Payload)
    {
        var db = await TestDatabase.CreateAsync(dialect);
        var uid = await Seed.ProfileAsync(db.Database, profile ?? Profile(), null);
        var ids = await Seed.LlmRecordsAsync(db.Database, uid, Now.AddMinutes(-1), "pending", records, payload: payload);
        return new Setup(db, new FakeTimeProvider(Now), uid, ids);
    }

    [Theory]
    [MemberData(nameof(Stores.Both), MemberType = typeof(Stores))]
    internal async Task Record_IsJudgedWithTheRenderedPrompt_AndItsAssertionsScored_ThenDone(SqlDialect dialect)
    {
        await using var s = await StartAsync(dialect);
        var chat = new FakeChatClient(Good);
        await using var replica = s.Replica(chat);

        Assert.Equal(1, await replica.Worker.RunOnceAsync(Ct));

        var call = Assert.Single(chat.Received);
        Assert.Equal("Q: what is 2+2?\nA: 4\nTopic: math", call.User);
        Assert.Contains("between 1 and 5", call.System, StringComparison.Ordinal);
        var (status, attempts, error, scores, _) = await s.RecordAsync(s.Ids[0]);
        Assert.Equal(("done", 0, (string?)null), (status, attempts, error));
        Assert.Equal([("exact", 1.0), ("relevance", 5.0)], scores.Select(x => (x.Metric, x.Score)));
        Assert.Equal("right", scores.Single(x => x.Metric == "relevance").Reason);
        Assert.All(scores, x => Assert.Equal(Now, x.EvaluatedAt));
    }

    [Theory]
    [MemberData(nameof(Stores.Both), MemberType = typeof(Stores))]
    internal async Task MissingVariable_FailsTheMetricWithoutAJudgeCall_AndKeepsTheAssertionScore(SqlDialect dialect)
    {
        await using var s = await StartAsync(dialect, Profile("Rate ${response} against ${context.reference}"));
        var chat = new FakeChatClient(Good);
        await using var replica = s.Replica(chat);

        await replica.Worker.RunOnceAsync(Ct);

        Assert.Equal(0, chat.Calls);
        var (status, _, error, scores, _) = await s.RecordAsync(s.Ids[0]);
        Assert.Equal("failed", status);
        Assert.Contains("relevance: missing_variable", error, StringComparison.Ordinal);
        Assert.Contains("context.reference", error, StringComparison.Ordinal);
        Assert.Equal([("exact", 1.0)], scores.Select(x => (x.Metric, x.Score)));
    }

    [Theory]
    [MemberData(nameof(Stores.Both), MemberType = typeof(Stores))]
    internal async Task TooManyRequests_RetriesAfterRetryAfter_ThenFailsAfterMaxAttempts_OneCallPerAttempt(SqlDialect dialect)
    {
        await using var s = await StartAsync(dialect);
        var chat = new FakeChatClient((_, _) => throw FakeChatClient.HttpError(429, retryAfter: "120"));
        await using var replica = s.Replica(chat, new EvaluationOptions { MaxAttempts = 3 });

        await replica.Worker.RunOnceAsync(Ct);
        var first = await s.RecordAsync(s.Ids[0]);
        Assert.Equal(("pending", 1), (first.Status, first.Attempts));
        Assert.Contains("relevance: judge: http 429", first.Error, StringComparison.Ordinal);
        // Retry-After (120 s) is longer than the first backoff (under 5 s): the retry waits for it.
        Assert.Equal(Now.AddSeconds(120), first.NextAttempt);
        Assert.Equal([("exact", 1.0)], first.Scores.Select(x => (x.Metric, x.Score)));

        s.Time.Advance(TimeSpan.FromSeconds(119));
        Assert.Equal(0, await replica.Worker.RunOnceAsync(Ct));
        Assert.Equal(1, chat.Calls);

        s.Time.Advance(TimeSpan.FromSeconds(1));
        await replica.Worker.RunOnceAsync(Ct);
        Assert.Equal(2, (await s.RecordAsync(s.Ids[0])).Attempts);
        s.Time.Advance(TimeSpan.FromSeconds(120));
        await replica.Worker.RunOnceAsync(Ct);

        var last = await s.RecordAsync(s.Ids[0]);
        Assert.Equal(("failed", 3), (last.Status, last.Attempts));
        Assert.Contains("judge: http 429", last.Error, StringComparison.Ordinal);
        Assert.Equal(3, chat.Calls);
        Assert.Equal([("exact", 1.0)], last.Scores.Select(x => (x.Metric, x.Score))); // the assertion kept its score
    }

    [Fact]
    public async Task ServerError_WithoutRetryAfter_BacksOffWithinTheDoublingCap()
    {
        await using var s = await StartAsync(SqlDialect.Sqlite);
        var chat = new FakeChatClient((_, _) => throw FakeChatClient.HttpError(503));
        await using var replica = s.Replica(chat, new EvaluationOptions { MaxAttempts = 5, RetryInitial = TimeSpan.FromSeconds(5) });

        var caps = new[] { 5, 10, 20, 40 };
        foreach (var cap in caps)
        {
            var at = s.Time.GetUtcNow();
            await replica.Worker.RunOnceAsync(Ct);
            var next = (await s.RecordAsync(s.Ids[0])).NextAttempt!.Value;
            Assert.InRange(next - at, TimeSpan.Zero, TimeSpan.FromSeconds(cap));
            s.Time.Advance(TimeSpan.FromSeconds(cap));
        }
        await replica.Worker.RunOnceAsync(Ct);
        Assert.Equal(("failed", 5), ((await s.RecordAsync(s.Ids[0])).Status, (await s.RecordAsync(s.Ids[0])).Attempts));
        Assert.Equal(5, chat.Calls);
    }

    [Theory]
    [MemberData(nameof(Stores.Both), MemberType = typeof(Stores))]
    internal async Task InvalidAnswer_IsNeverStored_SpendsAnAttempt_AndKeepsTheAnswerForDiagnosis(SqlDialect dialect)
    {
        await using var s = await StartAsync(dialect);
        var chat = new FakeChatClient("""{"score": 9, "reason": "off the scale"}""");
        await using var replica = s.Replica(chat, new EvaluationOptions { MaxAttempts = 1 });

        await replica.Worker.RunOnceAsync(Ct);

        var (status, attempts, error, scores, _) = await s.RecordAsync(s.Ids[0]);
        Assert.Equal(("failed", 1), (status, attempts));
        Assert.Contains("relevance: judge_output_invalid", error, StringComparison.Ordinal);
        Assert.Contains("answer: {\"score\": 9, \"reason\": \"off the scale\"}", error, StringComparison.Ordinal);
        Assert.DoesNotContain(scores, x => x.Metric == "relevance");
    }

    [Fact]
    public async Task Unauthorized_PausesJudging_SpendsNoAttempt_WarnsOnce_ProbesAfterThePause_AndResumes()
    {
        await using var s = await StartAsync(SqlDialect.Sqlite, records: 3);
        var answer = 401;
        var chat = new FakeChatClient((_, _) => answer == 200 ? Task.FromResult(Good) : throw FakeChatClient.HttpError(answer));
        // One call at a time, so the calls after the first 401 are the ones the pause holds back.
        var options = new EvaluationOptions { Pause = TimeSpan.FromSeconds(60), Concurrency = 1 };
        await using var replica = s.Replica(chat, options);

        await replica.Worker.RunOnceAsync(Ct);
        Assert.Equal(1, chat.Calls); // the first 401 pauses judging: the other records are not sent
        Assert.Equal("paused", replica.JudgeState.State);
        Assert.Equal("judge: http 401", replica.JudgeState.Reason);
        foreach (var id in s.Ids) Assert.Equal(("pending", 0), ((await s.RecordAsync(id)).Status, (await s.RecordAsync(id)).Attempts));

        s.Time.Advance(TimeSpan.FromSeconds(30));
        await replica.Worker.RunOnceAsync(Ct);
        Assert.Equal(1, chat.Calls);

        s.Time.Advance(TimeSpan.FromSeconds(30));
        await replica.Worker.RunOnceAsync(Ct); // one probe, still 401
        Assert.Equal(2, chat.Calls);
        Assert.Single(replica.Logs.WithEventId(700));

        answer = 200;
        s.Time.Advance(TimeSpan.FromSeconds(60));
        await replica.Worker.RunOnceAsync(Ct);
        Assert.Equal("running", replica.JudgeState.State);
        Assert.Single(replica.Logs.WithEventId(701));
        foreach (var id in s.Ids) Assert.Equal(("done", 0), ((await s.RecordAsync(id)).Status, (await s.RecordAsync(id)).Attempts));
        Assert.Equal(2 + 3, chat.Calls);
    }

    [Theory]
    [MemberData(nameof(Stores.Both), MemberType = typeof(Stores))]
    internal async Task WithoutAJudge_AssertionOnlyProfilesAreEvaluated_AndJudgedOnesWaitWithoutSpendingAttempts(SqlDialect dialect)
    {
        await using var s = await StartAsync(dialect, Profile(judged: false));
        var judgedUid = await Seed.ProfileAsync(s.Db.Database, Profile(space: "judged"), null);
        var waiting = Assert.Single(await Seed.LlmRecordsAsync(s.Db.Database, judgedUid, Now.AddMinutes(-1), "pending", payload: Payload));
        await using var replica = s.Replica(chat: null);

        await replica.Worker.RunOnceAsync(Ct);

        var done = await s.RecordAsync(s.Ids[0]);
        Assert.Equal("done", done.Status);
        Assert.Equal([("exact", 1.0)], done.Scores.Select(x => (x.Metric, x.Score)));
        var pending = await s.RecordAsync(waiting);
        Assert.Equal(("pending", 0), (pending.Status, pending.Attempts));
        Assert.Equal("not_configured", replica.JudgeState.State);
        Assert.Single(replica.Logs.WithEventId(700));
    }

    [Fact]
    public async Task JudgeCallsInFlight_NeverExceedTheConcurrencyLimit()
    {
        await using var s = await StartAsync(SqlDialect.Sqlite, records: 12);
        var chat = new FakeChatClient(async (_, ct) =>
        {
            await Task.Delay(20, ct);
            return Good;
        });
        await using var replica = s.Replica(chat, new EvaluationOptions { Concurrency = 3 });

        Assert.Equal(12, await replica.Worker.RunOnceAsync(Ct));

        Assert.Equal(12, chat.Calls);
        Assert.Equal(3, chat.PeakInFlight);
    }

    [Fact]
    public async Task RequestsPerMinute_NeverExceedTheLimitInAnyMinute()
    {
        await using var s = await StartAsync(SqlDialect.Sqlite, records: 7);
        var started = new System.Collections.Concurrent.ConcurrentQueue<DateTimeOffset>();
        FakeTimeProvider time = s.Time;
        var chat = new FakeChatClient((_, _) =>
        {
            started.Enqueue(time.GetUtcNow());
            return Task.FromResult(Good);
        });
        await using var replica = s.Replica(chat, new EvaluationOptions { RequestsPerMinute = 3, Concurrency = 4 });

        var round = replica.Worker.RunOnceAsync(Ct);
        await WaitUntilAsync(() => chat.Calls == 3);
        s.Time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(3, chat.Calls); // the minute is not over: the waiting calls' timers have not fired
        s.Time.Advance(TimeSpan.FromSeconds(1));
        await WaitUntilAsync(() => chat.Calls == 6);
        s.Time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(7, await round);

        Assert.Equal(7, chat.Calls);
        var times = started.Order().ToArray();
        foreach (var t in times) Assert.True(times.Count(x => x >= t && x < t.AddMinutes(1)) <= 3, $"more than 3 calls in the minute from {t:O}");
        Assert.Equal([Now, Now, Now, Now.AddMinutes(1), Now.AddMinutes(1), Now.AddMinutes(1), Now.AddMinutes(2)], times);
    }

    [Theory]
    [MemberData(nameof(Stores.Both), MemberType = typeof(Stores))]
    internal async Task RecordOfACrashedWorker_IsTakenOverAfterItsLease_AndScoredOnce(SqlDialect dialect)
    {
        await using var s = await StartAsync(dialect);
        var lease = TimeSpan.FromMinutes(5);
        // A worker that claimed the record and died: its lease holds the record until it ends.
        Assert.Single(await s.Store.ClaimAsync("crashed", Now, lease, 10, Ct));
        var chat = new FakeChatClient(Good);
        await using var replica = s.Replica(chat, new EvaluationOptions { Lease = lease });

        Assert.Equal(0, await replica.Worker.RunOnceAsync(Ct));
        s.Time.Advance(lease);
        Assert.Equal(1, await replica.Worker.RunOnceAsync(Ct));

        Assert.Equal(1, chat.Calls);
        var (status, _, _, scores, _) = await s.RecordAsync(s.Ids[0]);
        Assert.Equal("done", status);
        Assert.Equal(["exact", "relevance"], scores.Select(x => x.Metric));
    }

    [Theory]
    [MemberData(nameof(Stores.Both), MemberType = typeof(Stores))]
    internal async Task TwoReplicas_ScoreEachRecordAndMetricExactlyOnce(SqlDialect dialect)
    {
        await using var s = await StartAsync(dialect, records: 40);
        var chatA = new FakeChatClient(async (_, ct) => { await Task.Delay(2, ct); return Good; });
        var chatB = new FakeChatClient(async (_, ct) => { await Task.Delay(2, ct); return Good; });
        await using var a = s.Replica(chatA, new EvaluationOptions { ClaimBatch = 8 });
        await using var b = s.Replica(chatB, new EvaluationOptions { ClaimBatch = 8 });

        while (await Task.WhenAll(a.Worker.RunOnceAsync(Ct), b.Worker.RunOnceAsync(Ct)) is var claimed && claimed.Sum() > 0) { }

        Assert.Equal(40, chatA.Calls + chatB.Calls);
        Assert.True(chatA.Calls > 0 && chatB.Calls > 0, $"both replicas judged ({chatA.Calls} and {chatB.Calls})");
        Assert.Equal(80, await Seed.CountAsync(s.Db.Database, "select count(*) from llm_scores"));
        Assert.Equal(40, await Seed.CountAsync(s.Db.Database, "select count(*) from llm_records where status = 'done'"));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (!condition()) await Task.Delay(5, timeout.Token);
    }
}
