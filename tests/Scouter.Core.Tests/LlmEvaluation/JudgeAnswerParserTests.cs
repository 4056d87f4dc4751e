using Scouter.LlmEvaluation;
using Xunit;

namespace Scouter.Core.Tests.LlmEvaluation;

public sealed class JudgeAnswerParserTests
{
    private static readonly ScoreRange OneToFive = new(1, 5);

    [Theory]
    [InlineData("""{"score": 4, "reason": "on topic"}""", 4, "on topic")]
    [InlineData("""{"reason": "first", "score": 3.5}""", 3.5, "first")]
    [InlineData("""{"score": "4", "reason": "string score"}""", 4, "string score")]
    [InlineData("""{"score": " 4.5 ", "reason": "padded"}""", 4.5, "padded")]
    [InlineData("""{"score": 5}""", 5, "")]
    [InlineData("""{"score": 1, "reason": null}""", 1, "")]
    [InlineData("```json\n{\"score\": 2, \"reason\": \"fenced\"}\n```", 2, "fenced")]
    [InlineData("Sure! Here is my verdict:\n{\"score\": 3, \"reason\": \"uses {braces} in text\"}\nHope this helps.", 3, "uses {braces} in text")]
    [InlineData("Note {not json} then {\"score\": 2, \"reason\": \"x\"}", 2, "x")]
    [InlineData("""{"score": 4, "reason": "nested", "details": {"score": 1}}""", 4, "nested")]
    [InlineData("""{"meta": {"model": "m"}} {"score": 1e0, "reason": "one scored object"}""", 1, "one scored object")]
    [InlineData("""{"score": 1, "reason": "min bound"}""", 1, "min bound")]
    [InlineData("""{"score": 5, "reason": "max bound"}""", 5, "max bound")]
    public void Parse_Valid(string text, double score, string reason)
    {
        var result = JudgeAnswerParser.Parse(text, OneToFive);

        Assert.True(result.Succeeded);
        Assert.Equal(new JudgeAnswer(score, reason), result.Answer);
        Assert.Null(result.Error);
        Assert.Null(result.Excerpt);
    }

    [Theory]
    [InlineData("", "the answer is empty")]
    [InlineData("   ", "the answer is empty")]
    [InlineData("I think it deserves a 4.", "holds no JSON object")]
    [InlineData("""{"score": NaN, "reason": "x"}""", "JSON is invalid")]
    [InlineData("""{"score": Infinity, "reason": "x"}""", "JSON is invalid")]
    [InlineData("""{"score": "NaN", "reason": "x"}""", "\"score\" 'NaN' is not a finite number")]
    [InlineData("""{"score": "Infinity", "reason": "x"}""", "\"score\" 'Infinity' is not a finite number")]
    [InlineData("""{"score": 1e400, "reason": "x"}""", "\"score\" must be a finite number")]
    [InlineData("""{"score": "four", "reason": "x"}""", "\"score\" 'four' is not a finite number")]
    [InlineData("""{"score": true, "reason": "x"}""", "\"score\" must be a number, not a boolean")]
    [InlineData("""{"score": null, "reason": "x"}""", "\"score\" must be a number, not null")]
    [InlineData("""{"score": [4], "reason": "x"}""", "\"score\" must be a number, not an array")]
    [InlineData("""{"reason": "no score"}""", "has no \"score\"")]
    [InlineData("""{"score": 4, "reason": 5}""", "\"reason\" must be a string, not a number")]
    [InlineData("""{"score": 4, "reason": {"text": "x"}}""", "\"reason\" must be a string, not an object")]
    [InlineData("""{"score": 4, "reason": "a"} {"score": 2, "reason": "b"}""", "holds 2 JSON objects with a score")]
    [InlineData("""{"score": 0.999, "reason": "below"}""", "score 0.999 is outside score_range [1, 5]")]
    [InlineData("""{"score": 5.001, "reason": "above"}""", "score 5.001 is outside score_range [1, 5]")]
    [InlineData("""{"score": 4, "reason": "unterminated" """, "holds no JSON object")]
    [InlineData("""[{"score": 4, "reason": "in an array"}, {"score": 3, "reason": "two"}]""", "holds 2 JSON objects with a score")]
    public void Parse_Invalid_IsJudgeOutputInvalidWithAReason(string text, string message)
    {
        var result = JudgeAnswerParser.Parse(text, OneToFive);

        Assert.False(result.Succeeded);
        Assert.Null(result.Answer);
        Assert.Equal(LlmErrors.JudgeOutputInvalid, result.Error);
        Assert.Contains(message, result.Message, StringComparison.Ordinal);
        Assert.Equal(text, result.Excerpt);
    }

    [Fact]
    public void Parse_WithoutRange_AcceptsAnyFiniteScore()
    {
        Assert.Equal(-250.5, JudgeAnswerParser.Parse("""{"score": -250.5, "reason": "r"}""", null).Answer!.Score);
    }

    [Fact]
    public void Parse_NullAnswer_IsInvalidWithAnEmptyExcerpt()
    {
        var result = JudgeAnswerParser.Parse(null, null);

        Assert.Equal(LlmErrors.JudgeOutputInvalid, result.Error);
        Assert.Equal(string.Empty, result.Excerpt);
    }

    [Fact]
    public void Parse_LongInvalidAnswer_KeepsTheFirst500Characters()
    {
        var text = new string('x', 499) + "😀" + new string('y', 600);

        var result = JudgeAnswerParser.Parse(text, null);

        // The emoji straddles the cut at 500 characters: it is left out rather than split.
        Assert.Equal(new string('x', 499), result.Excerpt);
        var plain = new string('z', 1000);
        Assert.Equal(new string('z', 500), JudgeAnswerParser.Parse(plain, null).Excerpt);
    }
}
