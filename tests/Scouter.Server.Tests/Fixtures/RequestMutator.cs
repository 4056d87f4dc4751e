using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Scouter.Server.Tests.Fixtures;

/// <summary>A valid request of one API operation: route values and query pairs unencoded, an optional JSON body.</summary>
/// <param name="Method">HTTP method.</param>
/// <param name="Template">Route template as the OpenAPI document names it, e.g. <c>/api/v1/users/{name}</c>.</param>
/// <param name="Path">Route values by parameter name.</param>
/// <param name="Query">Query pairs, in order.</param>
/// <param name="Body">JSON body, or null for none.</param>
public sealed record ApiRequest(string Method, string Template, IReadOnlyDictionary<string, string> Path, IReadOnlyList<KeyValuePair<string, string>> Query, JsonNode? Body);

/// <summary>What the OpenAPI document declares for an operation: its query parameters and the top-level properties of its JSON body.</summary>
public sealed record OperationShape(IReadOnlyList<string> QueryParameters, IReadOnlyList<string> BodyProperties);

/// <summary>A request ready to send.</summary>
/// <param name="Method">HTTP method.</param>
/// <param name="Target">Path and query, percent-encoded.</param>
/// <param name="Body">Body bytes, or null for none.</param>
/// <param name="ContentType">Content-Type header, or null for none.</param>
/// <param name="Mutations">What was changed, for the failure report.</param>
public sealed record FuzzedRequest(string Method, string Target, byte[]? Body, string? ContentType, string Mutations);

/// <summary>
/// Breaks a valid <see cref="ApiRequest"/> in 1–3 ways (one request in ten goes out unchanged),
/// deterministically for a seeded <see cref="Random"/>: any JSON leaf or container of the body
/// (type confusion, boundary integers and doubles, 70 000-character strings, NUL, lone surrogates,
/// far dates, SQL and path strings, deep nesting, duplicate and renamed keys), the body bytes
/// (truncation, invalid UTF-8, a BOM), the content type, and every route and query parameter
/// (odd, long, NUL, invalid UTF-8 values; removed, repeated or valueless parameters).
/// Text JSON cannot build through <see cref="JsonNode"/> (bare NaN, 1e400, duplicate keys, lone
/// surrogate escapes, deep nesting) goes in as a placeholder string replaced after serialization.
/// </summary>
/// <param name="rng">The case's random source.</param>
/// <param name="knownValues">Valid values of the world (uids, names, batch ids) to swap in, so mutations reach past lookups.</param>
public sealed class RequestMutator(Random rng, IReadOnlyList<string> knownValues)
{
    /// <summary>Length of the long strings the issue asks for.</summary>
    public const int LongStringLength = 70_000;

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly string[] BoundaryIntegers =
    [
        "0", "-1", "1", "2147483647", "2147483648", "-2147483648", "-2147483649", "4294967296", "9007199254740993", "9223372036854775807",
        "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "18446744073709551616", "1" + new string('0', 400),
    ];

    private static readonly string[] BoundaryDoubles =
    [
        "1e308", "-1e308", "1.7976931348623157e308", "1e309", "-1e309", "1E+400", "5e-324", "1e-400", "-0", "-0.0", "0.1e1",
        "123456789012345678901234567890.5", "2.2250738585072014e-308",
    ];

    private static readonly string[] NonFiniteTexts = ["NaN", "Infinity", "-Infinity", "nan", "inf", "1e999"];

    private static readonly string[] FarDates =
    [
        "0001-01-01T00:00:00Z", "0001-01-01T00:00:00-14:00", "9999-12-31T23:59:59.9999999Z", "9999-12-31T23:59:59+14:00", "1969-12-31T23:59:59Z",
        "1970-01-01T00:00:00Z", "+010000-01-01T00:00:00Z", "-000001-01-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-01-01T24:00:00Z",
        "2026-01-01", "2026-01-01T00:00:00", "9999-01-01T00:00:00Z", "9998-12-31T23:59:59Z",
    ];

    private static readonly string[] SqlStrings =
    [
        "' or '1'='1", "'; drop table users; --", "\" or \"\"=\"", "1; select pg_sleep(10)", "%' --", "\\'", "$$; select 1; $$", "1 union select null",
    ];

    private static readonly string[] PathStrings =
    [
        "../../etc/passwd", "..\\..\\windows\\win.ini", "/", "a/b", "%2e%2e%2f", "....//", "C:\\", "~", ".", "..", "/dev/null", "file:///etc/passwd",
    ];

    private static readonly string[] OddStrings =
    [
        "", " ", "💥", "é\u0301", "\u202Eevil", "a\nb\tc", "<script>alert(1)</script>", "${input}", "%s%n%x", "null", "true", "0",
        "00000000-0000-0000-0000-000000000000", "PSI", "Psi", " psi", "ADMIN", "READ", "*", "=", "\uFEFF", "\u00A0",
    ];

    private static readonly byte[][] InvalidUtf8 =
    [
        [0xC3, 0x28], [0xFF], [0xFE], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xE2, 0x82], [0xF8, 0x88, 0x80, 0x80, 0x80], [0x80], [0xF4, 0x90, 0x80, 0x80],
    ];

    private static readonly string?[] ContentTypes =
    [
        null, "text/plain", "application/json; charset=utf-16", "application/x-www-form-urlencoded", "application/merge-patch+json",
        "application/problem+json", "application/json; charset=iso-8859-1", "*/*", "application/json; charset=\"",
    ];

    private readonly List<(string Marker, string Text)> _raw = [];
    private readonly List<string> _applied = [];
    private JsonNode? _body;
    private readonly List<Func<byte[], byte[]>> _byteMutations = [];

    /// <summary>The mutated request; <paramref name="valid"/> is not changed.</summary>
    public FuzzedRequest Mutate(ApiRequest valid, OperationShape shape)
    {
        _raw.Clear();
        _applied.Clear();
        _byteMutations.Clear();
        _body = valid.Body?.DeepClone();
        var hasBody = valid.Body is not null;
        var path = valid.Path.ToDictionary(kv => kv.Key, kv => Encode(kv.Value), StringComparer.Ordinal);
        var query = valid.Query.Select(kv => (Name: Encode(kv.Key), Value: (string?)Encode(kv.Value))).ToList();
        var contentType = hasBody ? "application/json" : null;
        var bodyless = false;

        var count = rng.Next(10) == 0 ? 0 : rng.Next(1, 4);
        for (var i = 0; i < count; i++)
        {
            var roll = rng.Next(100);
            if (hasBody && roll < 45) MutateTree(shape);
            else if (hasBody && roll < 60) MutateBytes();
            else if (hasBody && roll < 64) contentType = MutateContentType();
            else if (path.Count > 0 && roll < 82) MutatePath(path);
            else if (!hasBody && roll >= 97 && !bodyless)
            {
                // A body on an operation that takes none.
                bodyless = true;
                _body = Choose<JsonNode>(new JsonObject(), new JsonObject { ["a"] = LongString() }, new JsonArray(1, 2));
                contentType = "application/json";
                _applied.Add("body on a bodiless operation");
            }
            else MutateQuery(query, shape);
        }

        byte[]? body = null;
        if (_body is not null)
        {
            var json = _body.ToJsonString(Relaxed);
            // Newest placeholders first: a later one (a duplicated object) may hold earlier ones.
            foreach (var (marker, raw) in Enumerable.Reverse(_raw)) json = json.Replace("\"" + marker + "\"", raw, StringComparison.Ordinal);
            body = Encoding.UTF8.GetBytes(json);
            foreach (var mutate in _byteMutations) body = mutate(body);
        }
        else if (hasBody)
        {
            body = [];
        }
        var target = new StringBuilder(valid.Template.Length + 64);
        foreach (var segment in valid.Template.Split('/'))
        {
            if (segment.Length == 0) continue;
            target.Append('/').Append(segment is ['{', .., '}'] ? path[segment[1..^1]] : segment);
        }
        for (var i = 0; i < query.Count; i++)
        {
            target.Append(i == 0 ? '?' : '&').Append(query[i].Name);
            if (query[i].Value is { } value) target.Append('=').Append(value);
        }
        return new FuzzedRequest(valid.Method, target.ToString(), body, contentType, _applied.Count == 0 ? "valid" : string.Join("; ", _applied));
    }

    // ---- JSON tree ----

    /// <summary>A value slot: the parent (null for the root) with a property name or an array index.</summary>
    private sealed record Slot(JsonNode? Parent, string? Name, int Index, JsonNode? Value, string Path);

    private static IEnumerable<Slot> Slots(JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, value) in o.ToList())
                {
                    var child = path + "." + name;
                    yield return new Slot(o, name, -1, value, child);
                    foreach (var s in Slots(value, child)) yield return s;
                }
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    var child = path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]";
                    yield return new Slot(a, null, i, a[i], child);
                    foreach (var s in Slots(a[i], child)) yield return s;
                }
                break;
        }
    }

    private void MutateTree(OperationShape shape)
    {
        var slots = Slots(_body, "body").Prepend(new Slot(null, null, -1, _body, "body")).ToList();
        var slot = slots[rng.Next(slots.Count)];
        if (slot.Value is JsonObject or JsonArray && rng.Next(3) > 0) MutateContainer(slot, shape);
        else MutateLeaf(slot);
    }

    private void MutateLeaf(Slot slot)
    {
        var (label, value) = rng.Next(13) switch
        {
            0 => ("type confusion", OtherKind(slot.Value)),
            1 => ("null", null),
            2 => ("boundary integer", Raw(Choose(BoundaryIntegers))),
            3 => ("boundary double", Raw(Choose(BoundaryDoubles))),
            4 => ("non-finite", rng.Next(2) == 0 ? JsonValue.Create(Choose(NonFiniteTexts)) : Raw(Choose("NaN", "Infinity", "-Infinity"))),
            5 => ("long string", JsonValue.Create(LongString())),
            6 => ("NUL", JsonValue.Create(Choose("\0", "a\0b", "\0\0\0"))),
            7 => ("lone surrogate", Raw(Choose("\"\\uD800\"", "\"x\\uDC00\"", "\"\\uDBFF\\u0041\"", "\"\\uDFFF\\uD800\""))),
            8 => ("far date", rng.Next(5) == 0 ? JsonValue.Create(Choose(253_402_300_800L, -62_135_596_801L, 0L)) : JsonValue.Create(Choose(FarDates))),
            9 => ("SQL string", JsonValue.Create(Choose(SqlStrings))),
            10 => ("path string", JsonValue.Create(Choose(PathStrings))),
            11 => ("known value", JsonValue.Create(Known())),
            _ => ("odd string", (JsonNode?)JsonValue.Create(Choose(OddStrings))),
        };
        if (slot.Parent is not null && rng.Next(8) == 0)
        {
            Remove(slot);
            _applied.Add(slot.Path + ": removed");
            return;
        }
        Set(slot, value);
        _applied.Add($"{slot.Path}: {label}");
    }

    private void MutateContainer(Slot slot, OperationShape shape)
    {
        var container = slot.Value!;
        string label;
        switch (rng.Next(10))
        {
            case 0:
                var depth = Choose(65, 257, 5_000, 100_000);
                Set(slot, Raw(rng.Next(2) == 0
                    ? new string('[', depth) + "1" + new string(']', depth)
                    : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth)));
                label = "deep nesting " + depth.ToString(CultureInfo.InvariantCulture);
                break;
            case 1:
                Set(slot, container is JsonObject ? new JsonArray() : new JsonObject());
                label = "object/array swapped";
                break;
            case 2:
                Set(slot, container is JsonObject ? new JsonObject() : new JsonArray());
                label = "emptied";
                break;
            case 3 when container is JsonObject { Count: > 0 } dup:
                Set(slot, Raw(DuplicateKey(dup)));
                label = "duplicate key";
                break;
            case 4 when container is JsonObject { Count: > 0 } renamed:
                var (name, value) = renamed.ElementAt(rng.Next(renamed.Count));
                renamed.Remove(name);
                var newName = Choose(name.ToUpperInvariant(), name + "\0", "", " " + name, new string('k', LongStringLength), name.Replace('_', '-'), "__proto__");
                renamed[newName] = value;
                label = "key renamed";
                break;
            case 5 when container is JsonObject added:
                var documented = slot.Parent is null ? shape.BodyProperties.Where(p => !added.ContainsKey(p)).ToList() : [];
                var key = documented.Count > 0 && rng.Next(2) == 0 ? documented[rng.Next(documented.Count)] : "zz_extra_" + rng.Next(1000).ToString(CultureInfo.InvariantCulture);
                added[key] = Choose<JsonNode?>(1, "x", true, null, new JsonArray(1, 2), new JsonObject { ["a"] = new JsonObject() }, LongString());
                label = "member added: " + key;
                break;
            case 6 when container is JsonArray { Count: > 0 } array:
                var item = array[rng.Next(array.Count)];
                // Many copies of a small element only: a body stays within the server's limit.
                var copies = item?.ToJsonString(Relaxed).Length > 1_000 ? 1 : Choose(1, 2, 1_000);
                for (var i = 0; i < copies; i++) array.Add(item?.DeepClone());
                label = "element repeated x" + copies.ToString(CultureInfo.InvariantCulture);
                break;
            case 7 when container is JsonObject { Count: > 0 } or JsonArray { Count: > 0 }:
                var members = Slots(container, slot.Path).Where(s => s.Parent == container).ToList();
                var gone = members[rng.Next(members.Count)];
                Remove(gone);
                label = "member removed: " + gone.Path;
                break;
            default:
                MutateLeaf(slot);
                return;
        }
        _applied.Add($"{slot.Path}: {label}");
    }

    private string DuplicateKey(JsonObject o)
    {
        var (name, value) = o.ElementAt(rng.Next(o.Count));
        var repeated = rng.Next(2) == 0 ? value?.ToJsonString(Relaxed) ?? "null" : Choose("1", "\"x\"", "null", "{}");
        var text = o.ToJsonString(Relaxed);
        return "{" + JsonSerializer.Serialize(name, Relaxed) + ":" + repeated + "," + text[1..];
    }

    private void Set(Slot slot, JsonNode? value)
    {
        switch (slot.Parent)
        {
            case null: _body = value ?? Raw("null"); break;
            case JsonObject o: o[slot.Name!] = value; break;
            case JsonArray a: a[slot.Index] = value; break;
        }
    }

    private static void Remove(Slot slot)
    {
        switch (slot.Parent)
        {
            case JsonObject o: o.Remove(slot.Name!); break;
            case JsonArray a: a.RemoveAt(slot.Index); break;
        }
    }

    private JsonNode? OtherKind(JsonNode? current)
    {
        var kind = current?.GetValueKind() ?? JsonValueKind.Null;
        while (true)
        {
            var (candidate, value) = rng.Next(6) switch
            {
                0 => (JsonValueKind.String, (JsonNode?)Choose("x", "42", "", "true", "{}", "[]")),
                1 => (JsonValueKind.Number, Choose<JsonNode>(42, 0.5, 0, 1, -1)),
                2 => (JsonValueKind.True, JsonValue.Create(true)),
                3 => (JsonValueKind.False, JsonValue.Create(false)),
                4 => (JsonValueKind.Object, rng.Next(2) == 0 ? new JsonObject() : new JsonObject { ["a"] = 1 }),
                _ => (JsonValueKind.Array, rng.Next(2) == 0 ? new JsonArray() : new JsonArray(1, "a", null)),
            };
            if (candidate != kind) return value;
        }
    }

    // ---- bytes and content type ----

    private void MutateBytes()
    {
        switch (rng.Next(6))
        {
            case 0:
                var keep = rng.NextDouble();
                _byteMutations.Add(b => b[..(int)(b.Length * keep)]);
                _applied.Add("body truncated");
                break;
            case 1 or 2:
                var bad = Choose(InvalidUtf8);
                var where = rng.NextDouble();
                _byteMutations.Add(b => InsertInString(b, bad, where));
                _applied.Add("invalid UTF-8 " + Convert.ToHexString(bad));
                break;
            case 3:
                var junk = new byte[rng.Next(1, 9)];
                rng.NextBytes(junk);
                var at = rng.NextDouble();
                _byteMutations.Add(b =>
                {
                    var copy = (byte[])b.Clone();
                    var start = (int)(copy.Length * at);
                    for (var i = 0; i < junk.Length && start + i < copy.Length; i++) copy[start + i] = junk[i];
                    return copy;
                });
                _applied.Add("bytes overwritten");
                break;
            case 4:
                _byteMutations.Add(b => [0xEF, 0xBB, 0xBF, .. b]);
                _applied.Add("UTF-8 BOM");
                break;
            default:
                var replacement = Choose(""u8.ToArray(), "null"u8.ToArray(), "[]"u8.ToArray(), "\"x\""u8.ToArray(), "1"u8.ToArray(), " "u8.ToArray(), "{"u8.ToArray());
                _byteMutations.Add(_ => replacement);
                _applied.Add("body replaced by '" + Encoding.UTF8.GetString(replacement) + "'");
                break;
        }
    }

    /// <summary>Inserts <paramref name="bad"/> just after a quote (inside a string or a key) near the relative position <paramref name="where"/>.</summary>
    private static byte[] InsertInString(byte[] body, byte[] bad, double where)
    {
        var at = Math.Min(body.Length, (int)(body.Length * where));
        var quote = body.AsSpan(at).IndexOf((byte)'"');
        at = quote < 0 ? at : at + quote + 1;
        return [.. body[..at], .. bad, .. body[at..]];
    }

    private string? MutateContentType()
    {
        var type = Choose(ContentTypes);
        _applied.Add("content type " + (type ?? "none"));
        return type;
    }

    // ---- route and query ----

    private void MutatePath(Dictionary<string, string> path)
    {
        var name = path.Keys.ElementAt(rng.Next(path.Count));
        var (label, value) = UrlValue();
        path[name] = value;
        _applied.Add($"path {name}: {label}");
    }

    private void MutateQuery(List<(string Name, string? Value)> query, OperationShape shape)
    {
        var name = shape.QueryParameters.Count > 0 && rng.Next(8) > 0
            ? Encode(shape.QueryParameters[rng.Next(shape.QueryParameters.Count)])
            : Choose("zz_unknown", "FROM", "page%5B%5D", "%00", "a%00b", Encode(LongString()[..2_000]), "", "%FF");
        var index = query.FindIndex(q => q.Name == name);
        string label;
        switch (rng.Next(6))
        {
            case 0 when index >= 0:
                query.RemoveAt(index);
                label = "removed";
                break;
            case 1:
                query.Add((name, UrlValue().Value));
                label = "repeated";
                break;
            case 2:
                Put(query, index, name, null);
                label = "without a value";
                break;
            case 3:
                Put(query, index, name, "");
                label = "empty";
                break;
            default:
                var (what, value) = UrlValue();
                Put(query, index, name, value);
                label = what;
                break;
        }
        _applied.Add($"query {name}: {label}");
    }

    private static void Put(List<(string Name, string? Value)> query, int index, string name, string? value)
    {
        if (index >= 0) query[index] = (name, value);
        else query.Add((name, value));
    }

    /// <summary>A mutant route or query value, percent-encoded.</summary>
    private (string Label, string Value) UrlValue() => rng.Next(12) switch
    {
        0 => ("NUL", Choose("%00", "a%00b", "%00%00")),
        1 => ("invalid UTF-8", Encode(Choose(InvalidUtf8))),
        2 => ("long", Encode(Choose(new string('a', 1_000), new string('a', 9_000), new string('a', 30_000), string.Concat(Enumerable.Repeat("é漢", 1_500))))),
        3 => ("boundary integer", Encode(Choose(BoundaryIntegers))),
        4 => ("boundary double", Encode(rng.Next(3) == 0 ? Choose(NonFiniteTexts) : Choose(BoundaryDoubles))),
        5 => ("far date", Encode(Choose(FarDates))),
        6 => ("SQL string", Encode(Choose(SqlStrings))),
        7 => ("path string", rng.Next(2) == 0 ? Encode(Choose(PathStrings)) : Choose("..", ".", "%2F", "%2e%2e", "..%2F..", "%5C")),
        8 => ("known value", Encode(Known())),
        9 => ("odd string", Encode(Choose(OddStrings))),
        10 => ("case or shape change", Encode(Known().ToUpperInvariant() + Choose("", " ", "}", "%"))),
        _ => ("lone surrogate", Choose("%ED%A0%80", "x%ED%B0%80")),
    };

    /// <summary>Percent-encodes every byte but the unreserved characters.</summary>
    public static string Encode(string text) => Encode(Encoding.UTF8.GetBytes(text));

    private static string Encode(byte[] bytes)
    {
        var builder = new StringBuilder(bytes.Length * 3);
        foreach (var b in bytes)
        {
            if (b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9' or (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~')
                builder.Append((char)b);
            else
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return builder.ToString();
    }

    // ---- values ----

    private string LongString()
    {
        var chars = Choose("abcdefghij", "é漢字💥", "\"\\/\b\f\n\r\t", "0123456789", "\u0001\u001F");
        var builder = new StringBuilder(LongStringLength + chars.Length);
        while (builder.Length < LongStringLength) builder.Append(chars);
        // Never split a surrogate pair: the writer refuses invalid UTF-16.
        var length = char.IsHighSurrogate(builder[LongStringLength - 1]) ? LongStringLength - 1 : LongStringLength;
        return builder.ToString(0, length);
    }

    private JsonValue Raw(string text)
    {
        var marker = "__raw_" + _raw.Count.ToString(CultureInfo.InvariantCulture) + "__";
        _raw.Add((marker, text));
        return JsonValue.Create(marker);
    }

    private string Known() => knownValues[rng.Next(knownValues.Count)];

    private T Choose<T>(params T[] values) => values[rng.Next(values.Length)];
}
