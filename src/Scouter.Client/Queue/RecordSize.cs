using System.Text;
using Scouter.Records;

namespace Scouter.Client;

/// <summary>
/// A cheap upper bound of a record's size in the batch JSON, without serializing it: fixed parts at
/// their longest (uid, timestamp, numbers), names at 6 bytes for each character that JSON escapes
/// (<c>\uXXXX</c>), PSI bin entries by their digits, and an LLM record by its payload, which the
/// record check has already built.
/// </summary>
internal static class RecordSize
{
    /// <summary><c>{"batch_id":"…","sent_at":"…","records":[]}</c> at its longest, with room to spare.</summary>
    public const int BatchEnvelope = 128;

    // {"type":"psi","uid":"<36>","created_at":"<33>","feature":"","bin_counts":{}} is 137 bytes; the
    // other types' fixed parts are shorter except for their numbers, counted separately.
    private const int RecordEnvelope = 160;

    // A double in shortest round-trip form ("-1.2345678901234567E+100") or a long.
    private const int NumberMax = 24;

    // "record_id":"<36>",
    private const int RecordId = 52;

    /// <summary>
    /// The record's JSON size in UTF-8 bytes, at most this; <paramref name="llmPayload"/> is the LLM
    /// record's payload from <see cref="RecordRules.Check(DriftRecord, out string?)"/> (built here when null).
    /// </summary>
    public static long Of(DriftRecord record, string? llmPayload = null) => record switch
    {
        PsiRecord psi => RecordEnvelope + JsonString(psi.Feature) + Bins(psi.BinCounts),
        SpcRecord spc => RecordEnvelope + JsonString(spc.Feature) + (2 * NumberMax),
        CustomRecord custom => RecordEnvelope + JsonString(custom.Metric) + (2 * NumberMax),
        LlmDriftRecord llm => RecordEnvelope + RecordId + Encoding.UTF8.GetByteCount(llmPayload ?? RecordRules.LlmPayload(llm)),
        _ => throw new ArgumentException($"Unknown record type {record.GetType().Name}.", nameof(record)),
    };

    /// <summary>Bytes of a string's content in JSON: 1 per character written as is, 6 for any other (<c>\uXXXX</c>).</summary>
    private static long JsonString(string? text)
    {
        if (text is null) return 0;
        long bytes = 0;
        foreach (var c in text) bytes += c is >= ' ' and <= '~' and not ('"' or '\\' or '<' or '>' or '&' or '\'' or '+' or '`') ? 1 : 6;
        return bytes;
    }

    /// <summary><c>"bin":count,</c> per entry.</summary>
    private static long Bins(IReadOnlyDictionary<int, long> bins)
    {
        long bytes = 0;
        foreach (var (bin, count) in bins) bytes += Digits(bin) + Digits(count) + 4;
        return bytes;
    }

    private static int Digits(long value)
    {
        var digits = value < 0 ? 2 : 1;
        for (var v = value; v is >= 10 or <= -10; v /= 10) digits++;
        return digits;
    }
}
