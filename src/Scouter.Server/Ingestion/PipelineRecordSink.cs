using System.Text.Json;
using System.Text.Json.Nodes;
using Scouter.Ingestion;
using Scouter.Records;
using Scouter.Server.Apis;
using Scouter.Server.Storage;
using Scouter.Server.Telemetry;

namespace Scouter.Server.Ingestion;

/// <summary>
/// The <see cref="IRecordBatchSink"/> the broker consumers feed: decodes the message body as the
/// same record-batch JSON <c>POST /records</c> takes and submits it to the one <see cref="IngestPipeline"/>.
/// A body over <see cref="ServerOptions.MaxRequestBodyBytes"/> (the HTTP limit) is refused unread, like a 413
/// (the consumers' <see cref="RecordSinkPolicy"/> refuses it before it gets here; this covers any other source).
/// Brokers carry no caller identity, so there is no per-space authorization: whoever can publish to
/// the topic / queue / stream can write records (secure the broker).
/// </summary>
internal sealed class PipelineRecordSink : IRecordBatchSink
{
    private readonly IngestPipeline _pipeline;
    private readonly ServerMetrics _metrics;
    private readonly long _maxBytes;

    /// <summary>Creates the sink.</summary>
    public PipelineRecordSink(IngestPipeline pipeline, ServerMetrics metrics, ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _pipeline = pipeline;
        _metrics = metrics;
        _maxBytes = options.MaxRequestBodyBytes;
    }

    /// <inheritdoc />
    public async Task<RecordSinkResult> IngestAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        if (RecordSinkPolicy.CheckSize(body.Length, _maxBytes) is { } tooLarge)
        {
            _metrics.BatchesRejected.Add(1);
            return new(RecordSinkStatus.Invalid, 0, tooLarge);
        }
        RecordBatch? batch;
        try
        {
            batch = ApiBody.Deserialize<RecordBatch>(body.Span);
        }
        catch (InvalidCharacterException ex)
        {
            return Invalid(TextRules.InvalidCharacter, ex.Field, ex.Message);
        }
        catch (JsonException ex)
        {
            return Invalid("invalid_json", ApiBody.Field(ex.Path), "Invalid JSON: " + ex.Message.Split(" Path:", 2)[0]);
        }
        catch (NotSupportedException ex)
        {
            var path = ex.Message.Split(" Path: ", 2) is [_, var rest] ? rest.Split(" | ", 2)[0] : null;
            return Invalid("invalid_json", ApiBody.Field(path), "Invalid JSON: " + (ex.InnerException ?? ex).Message.Split(" Path:", 2)[0]);
        }
        catch (ArgumentException ex)
        {
            // Record constructors validate (e.g. a negative count) and throw while binding.
            return Invalid("invalid_record_batch", "body", ex.Message);
        }
        if (batch is null) return Invalid("invalid_json", "body", "The message body must be a JSON object.");

        var result = await _pipeline.SubmitAsync(batch, authorize: null, cancellationToken);
        return result.Status switch
        {
            IngestStatus.Stored => new RecordSinkResult(RecordSinkStatus.Stored, result.Records)
            {
                Rejected = result.Rejected,
                DeadLetter = result.Rejected.Count == 0 ? ReadOnlyMemory<byte>.Empty : DeadLetterBody(batch, result.Rejected),
            },
            // A redelivery: the first delivery's dead letter may not have been written (the consumer stopped
            // before it could), so it is offered again; a second copy in the dead-letter destination carries
            // the same batch_id and is recognisable, a missing one would be a lost record.
            IngestStatus.Duplicate => new RecordSinkResult(RecordSinkStatus.Duplicate, result.Records)
            {
                Rejected = result.Rejected,
                DeadLetter = result.Rejected.Count == 0 ? ReadOnlyMemory<byte>.Empty : DeadLetterBody(batch, result.Rejected),
            },
            IngestStatus.Rejected => new RecordSinkResult(RecordSinkStatus.Invalid, result.Records,
                $"{result.Error!.Code} (field {result.Error.Field}): {result.Error.Detail}"),
            IngestStatus.Overloaded => new RecordSinkResult(RecordSinkStatus.RetryLater, result.Records, "ingest_queue_full: the ingestion queue is full"),
            _ => new RecordSinkResult(RecordSinkStatus.RetryLater, result.Records, "storage_unavailable: the batch could not be stored (see the server log)"),
        };
    }

    /// <summary>
    /// The dead-letter body of a partly stored batch: a record batch with the same <c>batch_id</c> and
    /// <c>sent_at</c> holding only the rejected records (in batch order), plus a top-level
    /// <c>rejected</c> array whose <c>index</c> and <c>field</c> refer to the original batch.
    /// </summary>
    internal static byte[] DeadLetterBody(RecordBatch batch, IReadOnlyList<RejectedRecord> rejected)
    {
        var refused = batch with { Records = [.. rejected.Select(r => batch.Records[r.Index])] };
        var node = JsonSerializer.SerializeToNode(refused, ApiJson.Options)!.AsObject();
        node["rejected"] = JsonNode.Parse(RejectedJson.SerializeToUtf8Bytes(rejected));
        return JsonSerializer.SerializeToUtf8Bytes(node, ApiJson.Options);
    }

    /// <summary>A body that is not a record batch; counted as rejected like the pipeline's own refusals.</summary>
    private RecordSinkResult Invalid(string code, string field, string detail)
    {
        _metrics.BatchesRejected.Add(1);
        return new(RecordSinkStatus.Invalid, 0, $"{code} (field {field}): {detail}");
    }
}
