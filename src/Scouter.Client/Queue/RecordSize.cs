using System.Text.Json;
using Scouter.Records;
using Scouter.Serialization;

namespace Scouter.Client;

/// <summary>
/// An upper bound of a record's size inside a batch as the transports send it
/// (<see cref="RecordBatch.ToUtf8Json"/>: compact snake_case JSON), computed without serializing PSI,
/// SPC and custom records: fixed parts at their longest as if indented (uid, timestamp, numbers,
/// indentation and two-byte line ends — a bound of the compact form too), names at 6 bytes for each
/// character JSON escapes (<c>\uXXXX</c>), PSI bin entries by their digits. An LLM record is
/// serialized (its user values have no size bound short of that); LLM records are sampled and few.
/// </summary>
internal static class RecordSize
{
    /// <summary>The batch's own lines (<c>batch_id</c>, <c>sent_at</c>, the <c>records</c> brackets) at their longest, with room to spare.</summary>
    public const int BatchEnvelope = 160;

    // A PSI record's lines other than its name and bin entries take 186 bytes and 8 line ends; an SPC
    // or custom record's, 136 bytes besides two numbers and its name, and 8 line ends.
    private const int RecordEnvelope = 224;

    // A double in shortest round-trip form ("-1.2345678901234567E+100") or a long.
    private const int NumberMax = 24;

    // A bin entry's line besides its digits: line end, 8 spaces, quotes, ": ", comma.
    private const int BinEntry = 15;

    /// <summary>The record's bytes in a batch, at most this.</summary>
    public static long Of(DriftRecord record) => record switch
    {
        PsiRecord psi => RecordEnvelope + JsonString(psi.Feature) + Bins(psi.BinCounts),
        SpcRecord spc => RecordEnvelope + JsonString(spc.Feature) + (2 * NumberMax),
        CustomRecord custom => RecordEnvelope + JsonString(custom.Metric) + (2 * NumberMax),
        LlmDriftRecord llm => Serialized(llm),
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

    private static long Bins(IReadOnlyDictionary<int, long> bins)
    {
        long bytes = 0;
        foreach (var (bin, count) in bins) bytes += Digits(bin) + Digits(count) + BinEntry;
        return bytes;
    }

    private static int Digits(long value)
    {
        var digits = value < 0 ? 2 : 1;
        for (var v = value; v is >= 10 or <= -10; v /= 10) digits++;
        return digits;
    }

    /// <summary>The record serialized alone in the wire form, plus the comma that separates it from the next.</summary>
    private static long Serialized(LlmDriftRecord record) =>
        JsonSerializer.SerializeToUtf8Bytes<DriftRecord>(record, ScouterJsonContext.Wire.DriftRecord).Length + 1;
}
