namespace Scouter.Server.Evaluation;

/// <summary>
/// One question for the judge: the rendered system and user messages, an optional per-metric model
/// (null: the configured <see cref="JudgeOptions.Model"/>) and the metric's optional score range,
/// sent in the answer schema.
/// </summary>
internal sealed record JudgeRequest(string SystemMessage, string UserMessage, string? Model, double? MinScore, double? MaxScore);
