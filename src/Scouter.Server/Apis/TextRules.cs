using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Scouter.Server.Apis;

/// <summary>
/// The one rule for text the server accepts: no string may hold U+0000 (NUL). PostgreSQL text cannot
/// store it, so both stores refuse it alike, wherever it comes from: a JSON body or broker message
/// (<see cref="FindInJson"/>, applied by <see cref="ApiBody.Deserialize{T}"/>), a query parameter
/// (<see cref="FilterAsync"/>, on every API route).
/// </summary>
internal static class TextRules
{
    /// <summary>The problem code for text holding a character the server does not accept.</summary>
    public const string InvalidCharacter = "invalid_character";

    /// <summary>400 <c>invalid_character</c> naming <paramref name="field"/>.</summary>
    public static ProblemHttpResult Problem(string field) =>
        Problems.Validation(InvalidCharacter, field, $"'{field}' contains a NUL character (U+0000), which the server does not accept in any text.");

    /// <summary>
    /// The field (JSON path without <c>$.</c>, e.g. <c>records[0].metric</c>; for a property name, the
    /// object holding it; <c>body</c> for the root) of the first string or property name in
    /// <paramref name="json"/> that holds U+0000, or null when there is none. JSON can only carry NUL
    /// as the escape <c>\u0000</c>, so bodies without that byte sequence are not parsed here; malformed
    /// JSON, and strings with a lone surrogate escape, are left to the deserializer to report.
    /// </summary>
    public static string? FindInJson(ReadOnlySpan<byte> json)
    {
        if (json.IndexOf("\\u0000"u8) < 0) return null;
        var frames = new List<Frame>();
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        NextValue(frames);
                        frames.Add(new Frame(reader.TokenType == JsonTokenType.StartArray));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        frames.RemoveAt(frames.Count - 1);
                        break;
                    case JsonTokenType.PropertyName:
                        frames[^1].Name = null;
                        if (reader.ValueIsEscaped && reader.GetString()!.Contains('\0', StringComparison.Ordinal)) return Path(frames);
                        frames[^1].Name = reader.GetString();
                        break;
                    case JsonTokenType.String:
                        NextValue(frames);
                        if (reader.ValueIsEscaped && reader.GetString()!.Contains('\0', StringComparison.Ordinal)) return Path(frames);
                        break;
                    default:
                        NextValue(frames);
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string escape that is no UTF-16 (a lone surrogate, "\uDC00").
            return null;
        }
        return null;
    }

    /// <summary>
    /// Refuses a request whose query parameters (names or values) hold U+0000, naming the parameter.
    /// Route values need no check: Kestrel refuses a path with an encoded NUL (<c>%00</c>) with 400.
    /// </summary>
    public static ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        foreach (var (name, values) in request.Query)
        {
            if (name.Contains('\0', StringComparison.Ordinal)) return RefuseAsync(request, "query");
            foreach (var value in values)
            {
                // A parameter without a name ("?=%00") has no field to name but the query.
                if (value is not null && value.Contains('\0', StringComparison.Ordinal)) return RefuseAsync(request, name.Length == 0 ? "query" : name);
            }
        }
        return next(context);
    }

    /// <summary>
    /// The refusal, after reading (and discarding) the request body: a client still sending a body the
    /// server did not read would otherwise see its connection closed instead of the 400. Bounded by the
    /// server's body size limit and Kestrel's minimum data rate.
    /// </summary>
    private static async ValueTask<object?> RefuseAsync(HttpRequest request, string field)
    {
        try
        {
            await request.Body.CopyToAsync(Stream.Null, request.HttpContext.RequestAborted);
        }
        catch (Exception ex) when (ex is BadHttpRequestException or IOException or OperationCanceledException)
        {
            // Too large, too slow or gone: the 400 is still the answer, if anyone is listening.
        }
        return Problem(field);
    }

    private static void NextValue(List<Frame> frames)
    {
        if (frames.Count > 0 && frames[^1].IsArray) frames[^1].Index++;
    }

    private static string Path(List<Frame> frames)
    {
        var path = new StringBuilder();
        foreach (var frame in frames)
        {
            if (frame.IsArray)
            {
                path.Append('[').Append(frame.Index.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(']');
            }
            else if (frame.Name is not null)
            {
                if (path.Length > 0) path.Append('.');
                path.Append(frame.Name);
            }
        }
        return path.Length == 0 ? "body" : path.ToString();
    }

    private sealed class Frame(bool isArray)
    {
        public bool IsArray { get; } = isArray;

        public int Index { get; set; } = -1;

        public string? Name { get; set; }
    }
}

/// <summary>A JSON document holding text the server does not accept (see <see cref="TextRules"/>); <see cref="Field"/> names where.</summary>
internal sealed class InvalidCharacterException(string field)
    : JsonException($"'{field}' contains a NUL character (U+0000), which the server does not accept in any text.", field, null, null)
{
    /// <summary>The offending field (JSON path without <c>$.</c>).</summary>
    public string Field { get; } = field;
}
