namespace Scouter.LlmEvaluation;

/// <summary>The record field a <see cref="FieldPath"/> starts from.</summary>
public enum FieldRoot
{
    /// <summary><c>input</c>: what the LLM service was asked.</summary>
    Input,

    /// <summary><c>response</c>: what it answered.</summary>
    Response,

    /// <summary><c>prompt</c>: the prompt used.</summary>
    Prompt,

    /// <summary><c>context.KEY</c>: one value of the record's context.</summary>
    Context,
}
