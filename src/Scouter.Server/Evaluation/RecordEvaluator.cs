using System.Diagnostics;
using Scouter.LlmEvaluation;
using Scouter.Resilience;
using Scouter.Server.Storage;

namespace Scouter.Server.Evaluation;

/// <summary>
/// Evaluates one leased LLM record against its profile: assertion metrics in Core (no model), judge
/// metrics by rendering the prompt, asking the judge through the <see cref="JudgeGate"/> and parsing the
/// answer. Scores are saved as they are obtained (at most once per metric); then the record is
/// <c>done</c>, retried later, deferred while judging is paused, or <c>failed</c> with the reasons.
/// </summary>
internal sealed class RecordEvaluator(
    IJudge judge, JudgeGate gate, JudgeBreaker breaker, LlmEvaluationStore store, EvaluationMetrics metrics,
    EvaluationOptions options, TimeProvider time, ILogger<RecordEvaluator> logger)
{
    /// <summary>The reason judging pauses when no endpoint is configured.</summary>
    public const string NoEndpoint = "judge: no endpoint configured (SCOUTER_LLM_ENDPOINT)";

    /// <summary>Longest error text stored on a record.</summary>
    public const int MaxErrorLength = 2000;

    private readonly Backoff _backoff = new(options.RetryInitial, options.RetryMax);

    /// <summary>Evaluates <paramref name="record"/>; <paramref name="profile"/> null means its profile is gone.</summary>
    public async Task EvaluateAsync(string owner, LeasedLlmRecord record, LlmDriftProfile? profile, CancellationToken cancellationToken)
    {
        if (profile is null)
        {
            await FailAsync(owner, record, record.Attempts, "profile_not_found: the record's profile is not an LLM profile on this server", cancellationToken);
            return;
        }
        var llmRecord = StoredLlmPayload.Read(record.Payload, out var payloadProblem);
        if (llmRecord is null)
        {
            await FailAsync(owner, record, record.Attempts, payloadProblem!, cancellationToken);
            return;
        }

        var round = new Round();
        foreach (var assertion in profile.Assertions)
        {
            if (record.ScoredMetrics.Contains(assertion.Name)) continue;
            var result = assertion.Evaluate(llmRecord);
            if (result.Score is { } score) round.Scores.Add(new LlmScore(assertion.Name, score, result.Message));
            else round.Permanent.Add($"{assertion.Name}: {result.Error}: {result.Message}");
        }
        foreach (var metric in profile.Metrics)
        {
            if (record.ScoredMetrics.Contains(metric.Name) || round.Deferred) continue;
            await JudgeAsync(record, llmRecord, metric, round, cancellationToken);
        }

        if (round.Scores.Count > 0) await store.SaveScoresAsync(record, round.Scores, time.GetUtcNow(), cancellationToken);
        var scored = new HashSet<string>(record.ScoredMetrics, StringComparer.Ordinal);
        scored.UnionWith(round.Scores.Select(s => s.Metric));
        var complete = profile.Metrics.All(m => scored.Contains(m.Name)) && profile.Assertions.All(a => scored.Contains(a.Name));

        if (complete)
        {
            await FinishAsync(owner, record, LlmRecordOutcome.Done, record.Attempts, null, cancellationToken);
        }
        else if (round.Retryable.Count > 0)
        {
            var attempts = record.Attempts + 1;
            var error = Error(round.Permanent.Concat(round.Retryable));
            if (attempts >= options.MaxAttempts)
            {
                await FailAsync(owner, record, attempts, error, cancellationToken);
                return;
            }
            var delay = _backoff.Delay(attempts);
            if (round.RetryAfter is { } retryAfter && retryAfter > delay) delay = retryAfter;
            var retryAt = time.GetUtcNow() + delay;
            if (await store.RetryLaterAsync(owner, record, attempts, error, retryAt, cancellationToken))
                EvaluationLog.RetryScheduled(logger, record.Id, record.Uid, attempts, error, retryAt);
            else
                EvaluationLog.LeaseLost(logger, record.Id, record.Uid);
        }
        else if (round.Deferred)
        {
            if (!await store.DeferAsync(owner, record, breaker.ResumeCheckAt, cancellationToken)) EvaluationLog.LeaseLost(logger, record.Id, record.Uid);
        }
        else
        {
            await FailAsync(owner, record, record.Attempts, Error(round.Permanent), cancellationToken);
        }
    }

    private async Task JudgeAsync(LeasedLlmRecord record, LlmRecord llmRecord, LlmMetric metric, Round round, CancellationToken cancellationToken)
    {
        var prompt = metric.RenderPrompt(llmRecord);
        if (!prompt.Succeeded)
        {
            round.Permanent.Add($"{metric.Name}: {prompt.Error}: {prompt.Message}");
            return;
        }
        if (!judge.IsConfigured)
        {
            breaker.Trip(NoEndpoint);
            round.Deferred = true;
            return;
        }
        if (!breaker.TryEnter())
        {
            round.Deferred = true;
            return;
        }
        EvaluationLog.PromptRendered(logger, record.Id, metric.Name, prompt.Text!);
        var request = new JudgeRequest(JudgeInstructions.For(metric.ScoreRange), prompt.Text!, metric.Model, metric.ScoreRange?.Min, metric.ScoreRange?.Max);
        var started = Stopwatch.GetTimestamp();
        var result = await gate.RunAsync(() => judge.AskAsync(request, cancellationToken), cancellationToken);
        metrics.Latency.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);

        if (result.Failure is { Kind: JudgeFailureKind.Configuration } configuration)
        {
            metrics.JudgeCalls.Add(1, new KeyValuePair<string, object?>("outcome", "configuration"));
            breaker.Trip(configuration.Reason);
            round.Deferred = true;
            return;
        }
        // Any other outcome means the endpoint took the request: a paused breaker's probe succeeded.
        breaker.Succeeded();
        if (result.Failure is { } failure)
        {
            metrics.JudgeCalls.Add(1, new KeyValuePair<string, object?>("outcome", "transient"));
            round.Retryable.Add($"{metric.Name}: {failure.Reason}");
            if (failure.RetryAfter is { } after && (round.RetryAfter is null || after > round.RetryAfter)) round.RetryAfter = after;
            return;
        }
        var reply = result.Reply!;
        if (reply.InputTokens is { } input) metrics.Tokens.Add(input, new KeyValuePair<string, object?>("direction", "input"));
        if (reply.OutputTokens is { } output) metrics.Tokens.Add(output, new KeyValuePair<string, object?>("direction", "output"));
        var parsed = JudgeAnswerParser.Parse(reply.Text, metric.ScoreRange);
        if (parsed.Answer is { } answer)
        {
            metrics.JudgeCalls.Add(1, new KeyValuePair<string, object?>("outcome", "ok"));
            round.Scores.Add(new LlmScore(metric.Name, answer.Score, answer.Reason));
            return;
        }
        metrics.JudgeCalls.Add(1, new KeyValuePair<string, object?>("outcome", "invalid_answer"));
        round.Retryable.Add($"{metric.Name}: {LlmErrors.JudgeOutputInvalid}: {parsed.Message}; answer: {parsed.Excerpt}");
    }

    private async Task FailAsync(string owner, LeasedLlmRecord record, int attempts, string error, CancellationToken cancellationToken)
    {
        if (await FinishAsync(owner, record, LlmRecordOutcome.Failed, attempts, error, cancellationToken))
            EvaluationLog.RecordFailed(logger, record.Id, record.Uid, attempts, error);
    }

    private async Task<bool> FinishAsync(string owner, LeasedLlmRecord record, LlmRecordOutcome outcome, int attempts, string? error, CancellationToken cancellationToken)
    {
        var finished = await store.FinishAsync(owner, record, outcome, attempts, error, time.GetUtcNow(), cancellationToken);
        if (!finished) EvaluationLog.LeaseLost(logger, record.Id, record.Uid);
        return finished;
    }

    private static string Error(IEnumerable<string> parts)
    {
        var text = string.Join("; ", parts);
        return text.Length <= MaxErrorLength ? text : text[..MaxErrorLength];
    }

    /// <summary>What one evaluation of a record found.</summary>
    private sealed class Round
    {
        public List<LlmScore> Scores { get; } = [];

        /// <summary>Errors no retry can fix (a missing variable, an assertion's missing ground truth).</summary>
        public List<string> Permanent { get; } = [];

        /// <summary>Errors that spend an attempt (transient judge failures, invalid answers).</summary>
        public List<string> Retryable { get; } = [];

        public TimeSpan? RetryAfter { get; set; }

        /// <summary>Judging is paused: the unscored judge metrics wait without spending an attempt.</summary>
        public bool Deferred { get; set; }
    }
}
