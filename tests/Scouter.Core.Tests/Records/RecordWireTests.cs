using System.Text.Json;
using System.Text.Json.Nodes;
using Scouter.Records;
using Scouter.Serialization;
using Xunit;

namespace Scouter.Core.Tests.Records;

public class RecordWireTests
{
    [Fact]
    public void RecordBatch_SerializesToTheSpecWireFormat()
    {
        var uid = Guid.CreateVersion7();
        var at = new DateTimeOffset(2026, 11, 22, 10, 0, 0, 123, TimeSpan.Zero);
        var batch = new RecordBatch
        {
            BatchId = Guid.CreateVersion7(),
            SentAt = at,
            Records =
            [
                new PsiRecord { Uid = uid, CreatedAt = at, Feature = "age", BinCounts = new Dictionary<int, long> { [0] = 1, [1] = 12, [-1] = 3 } },
                new SpcRecord { Uid = uid, CreatedAt = at, Feature = "age", Mean = 41.2, Count = 25 },
                new CustomRecord { Uid = uid, CreatedAt = at, Metric = "mae", Sum = 3.1, Count = 25 },
                new LlmDriftRecord { Uid = uid, CreatedAt = at, RecordId = Guid.CreateVersion7(), Input = "q", Response = "a", Context = new Dictionary<string, JsonNode?> { ["k"] = "v" } },
            ],
        };

        var json = JsonNode.Parse(JsonSerializer.Serialize(batch, ScouterJsonContext.Default.RecordBatch))!;

        Assert.Equal("2026-11-22T10:00:00.123+00:00", (string?)json["sent_at"]);
        var records = json["records"]!.AsArray();
        Assert.Equal(["psi", "spc", "custom", "llm"], records.Select(r => (string?)r!["type"]));
        Assert.Equal(12, (long)records[0]!["bin_counts"]!["1"]!);
        Assert.Equal(3, (long)records[0]!["bin_counts"]!["-1"]!);
        Assert.Equal(41.2, (double)records[1]!["mean"]!);
        Assert.Equal("mae", (string?)records[2]!["metric"]);
        Assert.Equal("v", (string?)records[3]!["context"]!["k"]);
        Assert.Null(records[3]!["prompt"]);

        var back = JsonSerializer.Deserialize(json.ToJsonString(), ScouterJsonContext.Default.RecordBatch)!;
        Assert.Equal(batch.BatchId, back.BatchId);
        Assert.Equal(12, ((PsiRecord)back.Records[0]).BinCounts[1]);
    }

    [Fact]
    public void Features_FromDictionary_ConvertsKindsAndMissing()
    {
        var features = new Features(new Dictionary<string, object?>
        {
            ["i"] = 3, ["d"] = 2.5, ["nan"] = double.NaN, ["inf"] = double.NegativeInfinity, ["s"] = "red",
            ["blank"] = " ", ["b"] = true, ["null"] = null, ["m"] = 1.25m,
        });
        var byName = features.ToDictionary(f => f.Name);
        Assert.Equal(FeatureValueKind.Number, byName["i"].Kind);
        Assert.Equal(3.0, byName["i"].Number);
        Assert.Equal(FeatureValueKind.Missing, byName["nan"].Kind);
        Assert.Equal(FeatureValueKind.Missing, byName["inf"].Kind);
        Assert.Equal("red", byName["s"].Text);
        Assert.Equal(FeatureValueKind.Missing, byName["blank"].Kind);
        Assert.Equal("true", byName["b"].Text);
        Assert.Equal(FeatureValueKind.Missing, byName["null"].Kind);
        Assert.Equal(1.25, byName["m"].Number);
        Assert.Equal("2.5", byName["d"].CategoryKey);
    }

    [Fact]
    public void Features_UnsupportedValueType_NamesFeature()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Features(new Dictionary<string, object?> { ["when"] = new DateTime(2026, 1, 1) }));
        Assert.Contains("'when'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("DateTime", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Features_DuplicateNames_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Features([new Feature("a", 1), new Feature("a", 2)]));
        Assert.Contains("'a'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LlmRecord_NonSerializableValue_NamesField()
    {
        var ex = Assert.Throws<ArgumentException>(() => new LlmRecord("q", "a", new Dictionary<string, object?> { ["bad"] = new Action(() => { }) }));
        Assert.Contains("context.bad", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LlmRecord_ObjectValues_BecomeJson()
    {
        var record = new LlmRecord(new { Question = "capital of France?" }, "Paris", new Dictionary<string, object?> { ["n"] = 3 });
        Assert.Equal("capital of France?", (string?)record.Input!["question"]);
        Assert.Equal(3, (int)record.Context["n"]!);
    }
}
