using System.Text;
using Scouter.Server.Alerts;
using Xunit;

namespace Scouter.Server.Tests.Alerts;

public class SlackAnswerTests
{
    private static SlackAnswer Parse(string prefix) => SlackAnswer.Parse(Encoding.UTF8.GetBytes(prefix));

    [Theory]
    [InlineData("""{"ok":true}""")]
    [InlineData("""{"ok":true,"channel":"C1","message":{"text":"cut off in the mid""")]
    [InlineData("""{"channel":"C1","ok":true,"ts":"1""")]
    public void Ok_IsFoundInAnAnswerCutAnywhereAfterIt(string prefix) => Assert.Equal(new SlackAnswer(true, null), Parse(prefix));

    [Theory]
    [InlineData("""{"ok":false,"error":"channel_not_found"}""", "channel_not_found")]
    [InlineData("""{"ok":false,"error":"not_in_channel","warning":"cut""", "not_in_channel")]
    [InlineData("""{"ok":false,"error":"<b>internal</b>"}""", "unrecognised_error")]
    [InlineData("""{"ok":false,"error":{"detail":"internal"}}""", "unrecognised_error")]
    public void Error_IsKeptOnlyAsASlackErrorCode(string prefix, string error) => Assert.Equal(new SlackAnswer(false, error), Parse(prefix));

    [Theory]
    [InlineData("")]
    [InlineData("<html>internal</html>")]
    [InlineData("""{"message":{"ok":true},"x":1}""")]
    [InlineData("""{"ok":"true"}""")]
    [InlineData("""{"ok":tr""")]
    public void AnythingElse_IsNotOk_WithNoErrorCode(string prefix) => Assert.Equal(new SlackAnswer(false, null), Parse(prefix));
}
