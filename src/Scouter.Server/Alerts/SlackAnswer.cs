using System.Text.Json;
using System.Text.RegularExpressions;

namespace Scouter.Server.Alerts;

/// <summary>
/// What Slack's Web API answered: <c>{"ok": true, ...}</c> or <c>{"ok": false, "error": "code", ...}</c>,
/// read from the first bytes of the answer only (Slack puts these members first; a successful
/// <c>chat.postMessage</c> answer echoes the whole message after them).
/// </summary>
internal readonly partial record struct SlackAnswer(bool Ok, string? Error)
{
    /// <summary>How many bytes of the answer are read (1 KiB); the rest is never received.</summary>
    public const int MaxBytes = 1024;

    /// <summary>
    /// Reads the top-level <c>ok</c> and <c>error</c> members from <paramref name="prefix"/>, which may
    /// end anywhere. An error that is not a Slack error code (lowercase letters, digits, underscores,
    /// at most 64) is reported as <c>unrecognised_error</c>, so no other answer text is kept.
    /// </summary>
    public static SlackAnswer Parse(ReadOnlySpan<byte> prefix)
    {
        var reader = new Utf8JsonReader(prefix, isFinalBlock: false, state: default);
        bool ok = false, sawOk = false;
        string? error = null;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1) continue;
                var isOk = reader.ValueTextEquals("ok"u8);
                var isError = !isOk && reader.ValueTextEquals("error"u8);
                if (!reader.Read()) break;
                if (isOk) (ok, sawOk) = (reader.TokenType == JsonTokenType.True, true);
                else if (isError) error = reader.TokenType == JsonTokenType.String && ErrorCode().IsMatch(reader.GetString()!) ? reader.GetString() : "unrecognised_error";
                if (sawOk && (ok || error is not null)) break;
            }
        }
        catch (JsonException)
        {
            // Not JSON: neither ok nor a usable error.
        }
        return new SlackAnswer(ok, error);
    }

    [GeneratedRegex("^[a-z0-9_]{1,64}$")]
    private static partial Regex ErrorCode();
}
