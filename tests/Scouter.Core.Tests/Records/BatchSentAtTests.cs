using System.Text.Json;
using Scouter.Records;
using Scouter.Serialization;
using Xunit;

namespace Scouter.Core.Tests.Records;

public sealed class BatchSentAtTests
{
    [Fact]
    public void BatchWithoutSentAt_Reads_WithSentAtNull()
    {
        var batch = JsonSerializer.Deserialize("""
            {"batch_id":"0193a3f4-5c6d-7e8f-9a0b-1c2d3e4f5a6b","records":[
              {"type":"custom","uid":"0193a3f4-5c6d-7e8f-9a0b-1c2d3e4f5a6c","created_at":"2026-11-22T10:00:00Z","metric":"mae","sum":3,"count":2}]}
            """, ScouterJsonContext.Default.RecordBatch)!;

        Assert.Null(batch.SentAt);
        Assert.Equal(Guid.Parse("0193a3f4-5c6d-7e8f-9a0b-1c2d3e4f5a6b"), batch.BatchId);
        Assert.Single(batch.Records);
    }

    [Fact]
    public void BatchWithoutSentAt_IsWrittenWithoutTheProperty()
    {
        var batch = new RecordBatch { BatchId = Guid.CreateVersion7(), Records = [] };

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(batch, ScouterJsonContext.Default.RecordBatch));

        Assert.False(json.RootElement.TryGetProperty("sent_at", out _));
    }
}
