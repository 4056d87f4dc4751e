namespace Scouter.LlmEvaluation;

/// <summary>
/// The outcome of parsing a judge's answer: <see cref="Answer"/> when valid; otherwise <see cref="Error"/> is
/// <see cref="LlmErrors.JudgeOutputInvalid"/>, <see cref="Message"/> says what was wrong and
/// <see cref="Excerpt"/> holds the answer's first 500 characters for diagnosis.
/// </summary>
/// <param name="Answer">The parsed answer, or null when invalid.</param>
/// <param name="Error">An <see cref="LlmErrors"/> code when invalid.</param>
/// <param name="Message">What was wrong with the answer.</param>
/// <param name="Excerpt">The answer's first <see cref="JudgeAnswerParser.ExcerptLength"/> characters when invalid.</param>
public sealed record JudgeAnswerResult(JudgeAnswer? Answer, string? Error, string? Message, string? Excerpt)
{
    /// <summary>Whether the answer is valid.</summary>
    public bool Succeeded => Answer is not null;
}
