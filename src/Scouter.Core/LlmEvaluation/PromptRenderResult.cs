namespace Scouter.LlmEvaluation;

/// <summary>
/// A judge prompt rendered for one record: <see cref="Text"/> on success; otherwise <see cref="Error"/> is
/// <see cref="LlmErrors.MissingVariable"/> and <see cref="Message"/> names the variable.
/// </summary>
/// <param name="Text">The rendered prompt, or null when rendering failed.</param>
/// <param name="Error">An <see cref="LlmErrors"/> code when rendering failed.</param>
/// <param name="Message">What was missing, for people.</param>
public sealed record PromptRenderResult(string? Text, string? Error, string? Message)
{
    /// <summary>Whether the prompt was rendered.</summary>
    public bool Succeeded => Text is not null;

    internal static PromptRenderResult Missing(FieldPath path) =>
        new(null, LlmErrors.MissingVariable, $"the record has no value for ${{{path.Text}}}");
}
