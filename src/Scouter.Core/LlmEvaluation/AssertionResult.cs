namespace Scouter.LlmEvaluation;

/// <summary>
/// The outcome of one assertion metric on one record: <see cref="Score"/> 1 on pass, 0 on fail; when
/// <see cref="Error"/> is set (for example <see cref="LlmErrors.MissingVariable"/> for a missing
/// <c>${context.KEY}</c> expected value) there is no score.
/// </summary>
/// <param name="Metric">The assertion metric's name.</param>
/// <param name="Score">1 (pass), 0 (fail) or null (error).</param>
/// <param name="Message">Why it passed, failed or could not be evaluated.</param>
/// <param name="Error">An <see cref="LlmErrors"/> code, or null when scored.</param>
public sealed record AssertionResult(string Metric, double? Score, string Message, string? Error)
{
    /// <summary>Whether the assertion passed.</summary>
    public bool Passed => Score == 1;
}
