using System.Globalization;

namespace Scouter.Server.Evaluation;

/// <summary>
/// The LLM judge: an OpenAI-compatible chat-completions endpoint (OpenAI, Azure OpenAI compatible servers,
/// vLLM, Ollama, llama.cpp). Filled from <c>SCOUTER_LLM_*</c> settings; validated when the judge is registered.
/// </summary>
public sealed class JudgeOptions
{
    /// <summary>The default <see cref="MaxAnswerBytes"/>: 64 KiB.</summary>
    public const int DefaultMaxAnswerBytes = 64 * 1024;

    /// <summary>
    /// Base URL including <c>/v1</c>, e.g. <c>https://api.openai.com/v1</c> or <c>http://127.0.0.1:11434/v1</c>
    /// (<c>SCOUTER_LLM_ENDPOINT</c>; default none: judge metrics wait until one is set). http or https only.
    /// </summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Model asked when a metric names none (<c>SCOUTER_LLM_MODEL</c>; required with <see cref="Endpoint"/>).</summary>
    public string? Model { get; set; }

    /// <summary>Bearer key (<c>SCOUTER_LLM_API_KEY</c>; default none: no <c>Authorization</c> header, as Ollama and llama.cpp need).</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// How the answer's shape is requested (<c>SCOUTER_LLM_RESPONSE_FORMAT</c>: <c>json_schema</c> (default),
    /// <c>json_object</c> or <c>text</c>, for servers that reject schemas).
    /// </summary>
    public JudgeResponseFormat ResponseFormat { get; set; } = JudgeResponseFormat.JsonSchema;

    /// <summary>How long one judge request may take, answer included (<c>SCOUTER_LLM_TIMEOUT</c>, default 60 s).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Largest answer body read from the judge (<c>SCOUTER_LLM_MAX_ANSWER_BYTES</c>, default 64 KiB, 1 KiB to 16 MiB);
    /// a larger one fails the call as transient without being read further.
    /// </summary>
    public int MaxAnswerBytes { get; set; } = DefaultMaxAnswerBytes;

    /// <summary>Whether an endpoint is set.</summary>
    public bool IsConfigured => Endpoint is not null;

    /// <summary>Throws naming the setting when the options cannot work.</summary>
    public void Validate()
    {
        if (Endpoint is { } endpoint)
        {
            if (!IsHttpUrl(endpoint))
                throw new InvalidOperationException($"Setting SCOUTER_LLM_ENDPOINT='{endpoint}' must be an absolute http or https URL including /v1, e.g. https://api.openai.com/v1.");
            if (string.IsNullOrWhiteSpace(Model))
                throw new InvalidOperationException("Setting SCOUTER_LLM_MODEL is required when SCOUTER_LLM_ENDPOINT is set (the model metrics are judged with, e.g. gpt-4o-mini or llama3.1).");
        }
        if (Timeout <= TimeSpan.Zero)
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"Setting SCOUTER_LLM_TIMEOUT='{Timeout}' must be positive."));
        if (MaxAnswerBytes is < 1024 or > 16 * 1024 * 1024)
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"Setting SCOUTER_LLM_MAX_ANSWER_BYTES='{MaxAnswerBytes}' must be from 1024 to 16777216."));
    }

    /// <summary>Parses a <c>SCOUTER_LLM_ENDPOINT</c> value; throws naming the setting.</summary>
    internal static Uri ParseEndpoint(string text) =>
        Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) && IsHttpUrl(uri)
            ? uri
            : throw new InvalidOperationException($"Setting SCOUTER_LLM_ENDPOINT='{text}' must be an absolute http or https URL including /v1, e.g. https://api.openai.com/v1.");

    /// <summary>Parses a <c>SCOUTER_LLM_RESPONSE_FORMAT</c> value; throws naming the setting.</summary>
    internal static JudgeResponseFormat ParseResponseFormat(string text) => text.Trim().ToLowerInvariant() switch
    {
        "json_schema" => JudgeResponseFormat.JsonSchema,
        "json_object" => JudgeResponseFormat.JsonObject,
        "text" => JudgeResponseFormat.Text,
        _ => throw new InvalidOperationException($"Setting SCOUTER_LLM_RESPONSE_FORMAT='{text}' must be json_schema, json_object or text."),
    };

    private static bool IsHttpUrl(Uri uri) =>
        uri.IsAbsoluteUri && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && !string.IsNullOrEmpty(uri.Host);
}

/// <summary>How the judge is asked to shape its answer.</summary>
public enum JudgeResponseFormat
{
    /// <summary><c>response_format: json_schema</c> with <c>score</c> (and the metric's range) and <c>reason</c> (default).</summary>
    JsonSchema,

    /// <summary><c>response_format: json_object</c>, for servers that accept JSON mode but not schemas.</summary>
    JsonObject,

    /// <summary>No response format: the prompt alone asks for the JSON answer.</summary>
    Text,
}
