using Xunit;

namespace Scouter.Core.Tests.Profiles;

public sealed class HandWrittenProfileTests
{
    [Theory]
    [InlineData("""{"drift_type":"custom","config":{"space":"s","name":"n"},"metrics":[{"name":"m","baseline":1}]}""")]
    [InlineData("""{"drift_type":"custom","config":{"space":"s","name":"n","alert_config":{}},"metrics":[{"name":"m","baseline":1}]}""")]
    [InlineData("""{"drift_type":"psi","config":{"space":"s","name":"n","alert_config":{"threshold":{}}, "binning":{}},"features":{"a":{"kind":"numeric","edges":[1],"proportions":[0.5,0.5],"missing_proportion":0,"count":10,"missing_count":0}}}""")]
    [InlineData("""{"drift_type":"spc","config":{"space":"s","name":"n","alert_config":{}},"features":{"a":{"center":1,"sigma":1,"sample_count":3,"missing_count":0}}}""")]
    [InlineData("""{"drift_type":"llm","config":{"space":"s","name":"n","alert_config":{"dispatch":[{"type":"opsgenie","team":"t"}]}},"metrics":[{"name":"m","baseline":1,"prompt":"rate ${input}"}]}""")]
    public void Probe(string json)
    {
        var p = DriftProfile.FromJson(json);
        Assert.NotNull(p);
    }
}
