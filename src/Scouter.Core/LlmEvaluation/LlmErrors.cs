namespace Scouter.LlmEvaluation;

/// <summary>Error codes of LLM evaluation, stored with a record's failed metric.</summary>
public static class LlmErrors
{
    /// <summary>A prompt placeholder or an assertion's <c>${...}</c> expected value names a value the record lacks; the judge is not called.</summary>
    public const string MissingVariable = "missing_variable";

    /// <summary>The judge's answer is not one JSON object with a finite <c>score</c> (inside <c>score_range</c>) and a string <c>reason</c>.</summary>
    public const string JudgeOutputInvalid = "judge_output_invalid";

    /// <summary>A <c>matches</c> assertion's regular expression ran past its match timeout on the record's value.</summary>
    public const string RegexTimeout = "regex_timeout";
}
