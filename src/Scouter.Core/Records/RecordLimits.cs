namespace Scouter.Records;

/// <summary>
/// The bounds every record and batch must respect, shared by the queue (which splits and checks
/// before sending), the server's ingestion and the broker consumers. They are chosen so that no
/// stored data can overflow a windowed sum: with at most <see cref="MaxCount"/> per record and
/// <see cref="MaxAbsValue"/> per mean, a window would need more than 10^9 records before any
/// 64-bit count or double sum could overflow.
/// </summary>
public static class RecordLimits
{
    /// <summary>Most records in one batch.</summary>
    public const int MaxRecordsPerBatch = 10_000;

    /// <summary>
    /// Largest serialized batch the queue builds (4 MiB): well under the server's default message
    /// limit (<see cref="MaxMessageBytes"/>) and the default message limits of Kafka (1 MB compressed batches are split by
    /// the producer), RabbitMQ (128 MiB) and Redis (512 MiB).
    /// </summary>
    public const int MaxBatchBytes = 4 * 1024 * 1024;

    /// <summary>
    /// Largest record-batch message the server takes (16 MiB), over HTTP (the default of
    /// <c>SCOUTER_MAX_REQUEST_BODY_BYTES</c>) and from every broker consumer (the default of their
    /// <c>MaxMessageBytes</c>). A larger message is refused before it is parsed: a 413 over HTTP, a dead
    /// letter from a broker.
    /// </summary>
    public const int MaxMessageBytes = 16 * 1024 * 1024;

    /// <summary>Largest LLM record payload (input, response, prompt, context as JSON), in UTF-8 bytes.</summary>
    public const int MaxLlmPayloadBytes = 256 * 1024;

    /// <summary>Largest count in one record: an SPC or custom <c>count</c>, a PSI bin count, and a PSI record's total.</summary>
    public const long MaxCount = 1_000_000_000;

    /// <summary>Largest magnitude of a mean: an SPC <c>mean</c>, a custom <c>sum / count</c>, and each custom metric value the queue takes.</summary>
    public const double MaxAbsValue = 1e100;

    /// <summary>Most features (PSI, SPC) or metrics (custom, LLM) in one profile.</summary>
    public const int MaxProfileEntries = 100_000;

    /// <summary>Most value bins of one PSI feature (categories or numeric bins), so that one record stays far below <see cref="MaxBatchBytes"/>.</summary>
    public const int MaxBinsPerFeature = 100_000;

    /// <summary>Longest feature or metric name, in characters.</summary>
    public const int MaxNameLength = 512;
}
