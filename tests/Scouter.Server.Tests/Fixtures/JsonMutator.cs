using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Scouter.Server.Tests.Fixtures;

/// <summary>A way to break a valid JSON payload.</summary>
public enum Mutation
{
    DeleteProperty,
    SetNull,
    WrongType,
    HugeNumber,
    NegativeNumber,
    NonFiniteString,
    NonFiniteToken,
    LongString,
    OddString,
    UnknownEnum,
    UnknownUid,
    DuplicateBatchId,
    SwapUid,
    Truncate,
    InjectBytes,
    DeepNesting,
    EmptyObject,
    SwapRecordType,
    BinOutOfRange,
    NegativeCount,
    ExtraProperty,
    DuplicateRecord,
    OddTime,
    EmptyRecords,
}

/// <summary>
/// Applies 1-3 random <see cref="Mutation"/>s to a valid JSON payload, deterministically for a seeded
/// <see cref="Random"/>. Tree mutations edit the <see cref="JsonNode"/>; tokens JSON cannot hold
/// (bare NaN, 1e400, deep nesting) go in as placeholders replaced after serialization; byte
/// mutations (truncation, injected bytes) apply last, to the UTF-8 body.
/// </summary>
public sealed class JsonMutator(Random rng, IReadOnlyList<Guid> acceptedBatchIds, IReadOnlyList<Guid> profileUids)
{
    private static readonly Mutation[] All = Enum.GetValues<Mutation>();
    private static readonly string[] RecordTypes = ["psi", "spc", "custom", "llm"];
    private readonly Dictionary<string, string> _raw = new(StringComparer.Ordinal);

    /// <summary>Mutates <paramref name="root"/> (consumed) and returns the body bytes and the mutations applied.</summary>
    public (byte[] Body, string Mutations) Mutate(JsonNode root, bool isRecordBatch)
    {
        _raw.Clear();
        var applied = new List<string>();
        var byteMutations = new List<Mutation>();
        var count = rng.Next(1, 4);
        for (var i = 0; i < count; i++)
        {
            var mutation = All[rng.Next(All.Length)];
            applied.Add(mutation.ToString());
            if (mutation is Mutation.Truncate or Mutation.InjectBytes) byteMutations.Add(mutation);
            else root = Apply(root, mutation, isRecordBatch);
        }
        var json = root.ToJsonString();
        foreach (var (marker, raw) in _raw) json = json.Replace("\"" + marker + "\"", raw, StringComparison.Ordinal);
        var body = Encoding.UTF8.GetBytes(json);
        foreach (var mutation in byteMutations) body = mutation == Mutation.Truncate ? Truncate(body) : Inject(body);
        return (body, string.Join(",", applied));
    }

    private JsonNode Apply(JsonNode root, Mutation mutation, bool records)
    {
        switch (mutation)
        {
            case Mutation.DeleteProperty:
                if (Pick(root, p => p.Parent is JsonObject) is { } del) ((JsonObject)del.Parent).Remove(del.Name!);
                break;
            case Mutation.SetNull:
                Set(Pick(root), null);
                break;
            case Mutation.WrongType:
                if (Pick(root) is { } wrong) Set(wrong, OtherKind(wrong.Value));
                break;
            case Mutation.HugeNumber:
                Set(PickNumberFirst(root), Raw(Choose("1e308", "1e309", "-1e309", "1E+400", "9223372036854775808", "-9223372036854775809", "18446744073709551616",
                    "2147483648", "4294967296", "1" + new string('0', 400), "0.0000000000000000000000000000001", "-0", "123456789012345678901234567890.5")));
                break;
            case Mutation.NegativeNumber:
                Set(PickNumberFirst(root), Choose<JsonNode>(-1, -1_000_000, int.MinValue, long.MinValue, -0.5, -1e300));
                break;
            case Mutation.NonFiniteString:
                Set(PickNumberFirst(root), Choose("NaN", "Infinity", "-Infinity", "nan", "inf", "1e999"));
                break;
            case Mutation.NonFiniteToken:
                Set(PickNumberFirst(root), Raw(Choose("NaN", "Infinity", "-Infinity")));
                break;
            case Mutation.LongString:
                Set(PickStringFirst(root), LongString());
                break;
            case Mutation.OddString:
                Set(PickStringFirst(root), Choose("", " ", "\0", "\uD800", "\uDC00x", "💥", "é\u0301", "../../etc/passwd", "' or 1=1 --", "%s%n%x", "null", "true", "0",
                    "00000000-0000-0000-0000-000000000000", "\u202Eevil", "a\nb\tc", "<script>alert(1)</script>", "${input}"));
                break;
            case Mutation.UnknownEnum:
                var target = records && rng.Next(2) == 0 ? PickRecordField(root, "type") : PickStringFirst(root);
                Set(target, Choose("unknown_value", "PSI", "Psi", "psi ", "", "custom2", "1", "Llm", "spc\u0000", "drift"));
                break;
            case Mutation.UnknownUid:
                Set(records ? PickRecordField(root, "uid") : PickStringFirst(root), rng.Next(4) == 0 ? Guid.Empty.ToString() : NewGuid().ToString());
                break;
            case Mutation.DuplicateBatchId:
                if (root is JsonObject batch && records && acceptedBatchIds.Count > 0) batch["batch_id"] = acceptedBatchIds[rng.Next(acceptedBatchIds.Count)].ToString();
                else Set(PickStringFirst(root), "duplicate");
                break;
            case Mutation.SwapUid:
                Set(records ? PickRecordField(root, "uid") : PickStringFirst(root), profileUids[rng.Next(profileUids.Count)].ToString());
                break;
            case Mutation.DeepNesting:
                var depth = Choose(65, 200, 5_000, 100_000);
                Set(Pick(root), Raw(new string('[', depth) + "1" + new string(']', depth)));
                break;
            case Mutation.EmptyObject:
                if (rng.Next(3) == 0) return new JsonObject();
                Set(Pick(root), new JsonObject());
                break;
            case Mutation.SwapRecordType:
                Set(records ? PickRecordField(root, "type") : PickField(root, "drift_type"), Choose(RecordTypes));
                break;
            case Mutation.BinOutOfRange:
                if (BinCounts(root) is { } bins)
                {
                    var key = Choose("99", "-2", "4", "3", "-1", "2147483647", "2147483648", "-2147483649", "1.5", "abc", "", " 1", "01", "0x1");
                    bins[key] = rng.Next(1, 10);
                }
                else Set(PickNumberFirst(root), rng.Next(-5, 500));
                break;
            case Mutation.NegativeCount:
                if (BinCounts(root) is { Count: > 0 } counts) counts[counts.ElementAt(rng.Next(counts.Count)).Key] = Choose(-1, -1000, 0);
                else Set(PickField(root, "count") ?? PickNumberFirst(root), Choose(-1, 0, -1000));
                break;
            case Mutation.ExtraProperty:
                var host = rng.Next(4) == 0 ? root as JsonObject : Pick(root, p => p.Value is JsonObject)?.Value as JsonObject ?? root as JsonObject;
                if (host is not null)
                    host["zz_extra_" + rng.Next(1000).ToString(CultureInfo.InvariantCulture)] = Choose<JsonNode>(1, "x", true, new JsonArray(1, 2), new JsonObject { ["a"] = new JsonObject() });
                break;
            case Mutation.DuplicateRecord:
                if (root["records"] is JsonArray { Count: > 0 } list) list.Add(list[rng.Next(list.Count)]?.DeepClone());
                else if (Pick(root, p => p.Value is JsonArray { Count: > 0 })?.Value is JsonArray array) array.Add(array[0]?.DeepClone());
                break;
            case Mutation.OddTime:
                Set(PickField(root, "created_at") ?? PickField(root, "sent_at") ?? PickStringFirst(root),
                    Choose<JsonNode>("0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "1970-01-01T00:00:00Z", "2025-13-45T00:00:00Z", "yesterday",
                        "2026-01-01T00:00:00", "2026-01-01", "2099-01-01T00:00:00+14:00", 0, 1_700_000_000));
                break;
            case Mutation.EmptyRecords:
                if (root is JsonObject o && o.ContainsKey("records")) o["records"] = new JsonArray();
                else if (Pick(root, p => p.Value is JsonArray) is { } arr) Set(arr, new JsonArray());
                break;
        }
        return root;
    }

    /// <summary>A value slot: the parent object with a property name, or the parent array with an index.</summary>
    private sealed record Slot(JsonNode Parent, string? Name, int Index, JsonNode? Value);

    private static IEnumerable<Slot> Slots(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, value) in o.ToList())
                {
                    yield return new Slot(o, name, -1, value);
                    foreach (var s in Slots(value)) yield return s;
                }
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    yield return new Slot(a, null, i, a[i]);
                    foreach (var s in Slots(a[i])) yield return s;
                }
                break;
        }
    }

    private Slot? Pick(JsonNode root, Func<Slot, bool>? where = null)
    {
        var slots = Slots(root).Where(where ?? (_ => true)).ToList();
        return slots.Count == 0 ? null : slots[rng.Next(slots.Count)];
    }

    private Slot? PickNumberFirst(JsonNode root) =>
        rng.Next(4) > 0 && Pick(root, s => s.Value is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number) is { } n ? n : Pick(root);

    private Slot? PickStringFirst(JsonNode root) =>
        rng.Next(4) > 0 && Pick(root, s => s.Value is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String) is { } n ? n : Pick(root);

    private Slot? PickField(JsonNode root, string name) => Pick(root, s => s.Name == name);

    /// <summary>The field of a random record (falls back to any slot when the batch has no records left).</summary>
    private Slot? PickRecordField(JsonNode root, string name) => Pick(root, s => s.Name == name && s.Parent.Parent is JsonArray) ?? Pick(root);

    private JsonObject? BinCounts(JsonNode root) => Pick(root, s => s.Name == "bin_counts" && s.Value is JsonObject)?.Value as JsonObject;

    private static void Set(Slot? slot, JsonNode? value)
    {
        switch (slot)
        {
            case { Parent: JsonObject o, Name: { } name }: o[name] = value; break;
            case { Parent: JsonArray a }: a[slot.Index] = value; break;
        }
    }

    private JsonNode? OtherKind(JsonNode? current)
    {
        var kind = current?.GetValueKind() ?? System.Text.Json.JsonValueKind.Null;
        while (true)
        {
            var (candidateKind, value) = rng.Next(6) switch
            {
                0 => (System.Text.Json.JsonValueKind.String, (JsonNode?)Choose("x", "42", "", "true", "{}")),
                1 => (System.Text.Json.JsonValueKind.Number, Choose<JsonNode>(42, 0.5, 0, 1)),
                2 => (System.Text.Json.JsonValueKind.True, JsonValue.Create(true)),
                3 => (System.Text.Json.JsonValueKind.False, JsonValue.Create(false)),
                4 => (System.Text.Json.JsonValueKind.Object, rng.Next(2) == 0 ? new JsonObject() : new JsonObject { ["a"] = 1 }),
                _ => (System.Text.Json.JsonValueKind.Array, rng.Next(2) == 0 ? new JsonArray() : new JsonArray(1, "a", null)),
            };
            if (candidateKind != kind) return value;
        }
    }

    private string LongString()
    {
        var length = Choose(1_000, 10_000, 70_000, 300_000);
        var chars = Choose("abcdefghij", "é漢字💥", "\"\\/\b\f\n\r\t", "0123456789");
        var builder = new StringBuilder(length);
        while (builder.Length < length) builder.Append(chars);
        return builder.ToString(0, length);
    }

    private string Raw(string text)
    {
        var marker = "__raw_" + _raw.Count.ToString(CultureInfo.InvariantCulture) + "__";
        _raw[marker] = text;
        return marker;
    }

    private byte[] Truncate(byte[] body) => body[..rng.Next(body.Length)];

    private byte[] Inject(byte[] body)
    {
        var junk = new byte[rng.Next(1, 9)];
        rng.NextBytes(junk);
        var at = rng.Next(body.Length + 1);
        if (rng.Next(2) == 0) return [.. body[..at], .. junk, .. body[at..]];
        var copy = (byte[])body.Clone();
        for (var i = 0; i < junk.Length && at + i < copy.Length; i++) copy[at + i] = junk[i];
        return copy;
    }

    private Guid NewGuid()
    {
        var bytes = new byte[16];
        rng.NextBytes(bytes);
        return new Guid(bytes);
    }

    private T Choose<T>(params T[] values) => values[rng.Next(values.Length)];
}
