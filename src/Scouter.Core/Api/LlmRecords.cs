using System.Text.Json;

namespace Scouter.Api;

/// <summary>An LLM record's evaluation state (<c>GET /llm/records</c>).</summary>
/// <param name="Id">Record id.</param>
/// <param name="Uid">Profile uid.</param>
/// <param name="CreatedAt">When the record was made.</param>
/// <param name="Status">pending, done or failed.</param>
/// <param name="Attempts">Judge attempts spent.</param>
/// <param name="Error">The last error (failed, or pending after a failed attempt).</param>
/// <param name="EvaluatedAt">When the evaluation ended.</param>
public sealed record LlmRecordSummary(Guid Id, Guid Uid, DateTimeOffset CreatedAt, string Status, int Attempts, string? Error, DateTimeOffset? EvaluatedAt);

/// <summary>One page of LLM records, newest first.</summary>
/// <param name="Items">The records.</param>
/// <param name="Page">1-based page number.</param>
/// <param name="PageSize">Page size.</param>
/// <param name="Total">Records matching the filters.</param>
/// <param name="Judge">Whether the answering server is judging records now.</param>
public sealed record LlmRecordPage(IReadOnlyList<LlmRecordSummary> Items, int Page, int PageSize, long Total, JudgeState? Judge = null);

/// <summary>Whether the server that answered is judging LLM records (each replica has its own circuit breaker).</summary>
/// <param name="State"><c>running</c>; <c>paused</c> after an authentication or configuration failure; <c>not_configured</c> without a judge endpoint.</param>
/// <param name="Reason">Why judging is paused (e.g. <c>judge: http 401</c>).</param>
/// <param name="Since">When it paused.</param>
/// <param name="NextProbe">When one call will test the judge again.</param>
public sealed record JudgeState(string State, string? Reason, DateTimeOffset? Since, DateTimeOffset? NextProbe);

/// <summary>One metric's score of an LLM record.</summary>
/// <param name="Metric">Metric name.</param>
/// <param name="Score">The judge's score, or 1/0 for an assertion.</param>
/// <param name="Reason">The judge's reason or the assertion's message.</param>
/// <param name="EvaluatedAt">When it was scored.</param>
public sealed record LlmMetricScore(string Metric, double Score, string? Reason, DateTimeOffset? EvaluatedAt);

/// <summary>An LLM record with its payload and scores (<c>GET /llm/records/{id}</c>).</summary>
/// <param name="Record">The evaluation state.</param>
/// <param name="Payload">What was sent: input, response, prompt, context.</param>
/// <param name="Scores">The scores stored so far, by metric name.</param>
public sealed record LlmRecordDetail(LlmRecordSummary Record, JsonElement Payload, IReadOnlyList<LlmMetricScore> Scores);
