namespace Scouter.Records;

/// <summary>Why one record cannot be stored: a stable code, the offending member (e.g. <c>bin_counts.7</c>, relative to the record) and a message.</summary>
/// <param name="Code">Stable error code (e.g. <c>unknown_feature</c>, <c>unknown_bin</c>, <c>value_out_of_range</c>).</param>
/// <param name="Member">The record member at fault, relative to the record (empty for the record as a whole).</param>
/// <param name="Detail">Human-readable explanation naming the value.</param>
public sealed record RecordProblem(string Code, string Member, string Detail);

/// <summary>A record of a batch that the receiver refused, as listed in its answer (wire DTO).</summary>
/// <param name="Index">Position of the record in the batch's <c>records</c>.</param>
/// <param name="Code">Stable error code.</param>
/// <param name="Field">JSON path of the offending value within the batch, e.g. <c>records[3].bin_counts.7</c>.</param>
/// <param name="Detail">Human-readable explanation.</param>
public sealed record RejectedRecord(int Index, string Code, string Field, string Detail)
{
    /// <summary>The rejection of record <paramref name="index"/> for <paramref name="problem"/>.</summary>
    public static RejectedRecord Of(int index, RecordProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return new(index, problem.Code, RecordRules.Path(index, problem.Member), problem.Detail);
    }
}

/// <summary>
/// The server's answer to an accepted record batch (<c>POST /records</c> 202 body). Valid records
/// are stored; invalid ones are listed in <see cref="Rejected"/> and stored nowhere. A retried batch
/// id stores nothing again and gets the same answer with <see cref="Duplicate"/> set.
/// </summary>
/// <param name="BatchId">The batch id.</param>
/// <param name="Records">Records in the batch.</param>
/// <param name="Stored">Records stored (the batch's records minus the rejected ones).</param>
/// <param name="Duplicate">True when the batch id was stored before and nothing was written now.</param>
/// <param name="Rejected">The records refused, in batch order (empty when all were stored).</param>
public sealed record IngestReceipt(Guid BatchId, int Records, int Stored, bool Duplicate, IReadOnlyList<RejectedRecord> Rejected);
