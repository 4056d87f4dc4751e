namespace Scouter.LlmEvaluation;

/// <summary>A judge's valid answer for one metric and record.</summary>
/// <param name="Score">The score: finite, inside the metric's <c>score_range</c> when it has one.</param>
/// <param name="Reason">The judge's reason (empty when the answer had none).</param>
public sealed record JudgeAnswer(double Score, string Reason);
