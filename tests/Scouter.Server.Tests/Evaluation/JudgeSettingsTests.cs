using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Scouter.Server.Evaluation;
using Xunit;

namespace Scouter.Server.Tests.Evaluation;

public class JudgeSettingsTests
{
    private static ServerOptions Read(params (string Key, string Value)[] settings) =>
        ServerOptions.FromConfiguration(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build());

    [Fact]
    public void Defaults_NoEndpoint_JsonSchema_60s_64KiB()
    {
        var judge = Read().Judge;

        Assert.Null(judge.Endpoint);
        Assert.False(judge.IsConfigured);
        Assert.Equal(JudgeResponseFormat.JsonSchema, judge.ResponseFormat);
        Assert.Equal(TimeSpan.FromSeconds(60), judge.Timeout);
        Assert.Equal(65536, judge.MaxAnswerBytes);
    }

    [Fact]
    public void Settings_AreRead()
    {
        var judge = Read(("SCOUTER_LLM_ENDPOINT", "http://127.0.0.1:11434/v1"), ("SCOUTER_LLM_MODEL", "llama3.1"), ("SCOUTER_LLM_API_KEY", "k"),
            ("SCOUTER_LLM_RESPONSE_FORMAT", "json_object"), ("SCOUTER_LLM_TIMEOUT", "90"), ("SCOUTER_LLM_MAX_ANSWER_BYTES", "2048")).Judge;

        Assert.Equal(new Uri("http://127.0.0.1:11434/v1"), judge.Endpoint);
        Assert.Equal("llama3.1", judge.Model);
        Assert.Equal("k", judge.ApiKey);
        Assert.Equal(JudgeResponseFormat.JsonObject, judge.ResponseFormat);
        Assert.Equal(TimeSpan.FromSeconds(90), judge.Timeout);
        Assert.Equal(2048, judge.MaxAnswerBytes);
    }

    [Theory]
    [InlineData("SCOUTER_LLM_ENDPOINT", "ftp://example.com/v1")]
    [InlineData("SCOUTER_LLM_ENDPOINT", "api.openai.com/v1")]
    [InlineData("SCOUTER_LLM_RESPONSE_FORMAT", "json")]
    [InlineData("SCOUTER_LLM_TIMEOUT", "-1")]
    [InlineData("SCOUTER_LLM_MAX_ANSWER_BYTES", "10")]
    public void InvalidSetting_ThrowsNamingIt(string key, string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Read((key, value)));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EndpointWithoutModel_FailsRegistrationNamingTheModelSetting()
    {
        var options = Read(("SCOUTER_LLM_ENDPOINT", "https://api.openai.com/v1"));

        var error = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddScouterJudge(options));

        Assert.Contains("SCOUTER_LLM_MODEL", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EndpointSetInCode_IsValidatedAtRegistration()
    {
        var options = new ServerOptions();
        options.Judge.Endpoint = new Uri("file:///tmp/v1");
        options.Judge.Model = "m";

        var error = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddScouterJudge(options));

        Assert.Contains("SCOUTER_LLM_ENDPOINT", error.Message, StringComparison.Ordinal);
    }
}
