using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Scouter.Records;

/// <summary>
/// What a queue sends: one batch of aggregated records with an idempotency key. The same JSON
/// travels over HTTP, Kafka, RabbitMQ and Redis (spec/client.md "Record batch wire format").
/// </summary>
public sealed record RecordBatch
{
    /// <summary>Idempotency key (UUIDv7); the server stores a batch id at most once.</summary>
    public required Guid BatchId { get; init; }

    /// <summary>
    /// When the batch was cut (the queue always sets it). Optional on the wire and informational only:
    /// the server stamps a batch with its own receipt time and never reads this value.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? SentAt { get; init; }

    /// <summary>The records.</summary>
    public required IReadOnlyList<DriftRecord> Records { get; init; }

    /// <summary>The batch as every transport sends it: compact UTF-8 JSON of the wire format.</summary>
    public byte[] ToUtf8Json() => System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(this, Serialization.ScouterJsonContext.Wire.RecordBatch);
}

/// <summary>One aggregated record; <c>type</c> selects the drift type.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(PsiRecord), "psi")]
[JsonDerivedType(typeof(SpcRecord), "spc")]
[JsonDerivedType(typeof(CustomRecord), "custom")]
[JsonDerivedType(typeof(LlmDriftRecord), "llm")]
public abstract record DriftRecord
{
    /// <summary>The registered profile's uid.</summary>
    public required Guid Uid { get; init; }

    /// <summary>When the data was observed (the batch cut time for aggregates).</summary>
    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>PSI bin counts of one feature (bin 0 = missing, -1 = unseen).</summary>
public sealed record PsiRecord : DriftRecord
{
    /// <summary>Feature name.</summary>
    public required string Feature { get; init; }

    /// <summary>Bin id → count.</summary>
    public required IReadOnlyDictionary<int, long> BinCounts { get; init; }
}

/// <summary>The mean of one SPC sample of a feature.</summary>
public sealed record SpcRecord : DriftRecord
{
    /// <summary>Feature name.</summary>
    public required string Feature { get; init; }

    /// <summary>Sample mean.</summary>
    public required double Mean { get; init; }

    /// <summary>Values in the sample (sample_size, or fewer for a flushed partial sample).</summary>
    public required long Count { get; init; }
}

/// <summary>Sum and count of one custom metric over a batch.</summary>
public sealed record CustomRecord : DriftRecord
{
    /// <summary>Metric name.</summary>
    public required string Metric { get; init; }

    /// <summary>Sum of observed values.</summary>
    public required double Sum { get; init; }

    /// <summary>Number of observed values.</summary>
    public required long Count { get; init; }
}

/// <summary>One sampled LLM interaction for the server's judge.</summary>
public sealed record LlmDriftRecord : DriftRecord
{
    /// <summary>Record id (UUIDv7).</summary>
    public required Guid RecordId { get; init; }

    /// <summary>The input.</summary>
    public JsonNode? Input { get; init; }

    /// <summary>The response.</summary>
    public JsonNode? Response { get; init; }

    /// <summary>The prompt, if any.</summary>
    public JsonNode? Prompt { get; init; }

    /// <summary>Context values.</summary>
    public IReadOnlyDictionary<string, JsonNode?> Context { get; init; } = new Dictionary<string, JsonNode?>();
}
