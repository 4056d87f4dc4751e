using System.ClientModel;
using System.ClientModel.Primitives;
using System.Globalization;
using System.Text.Json;

namespace Scouter.Server.Evaluation;

/// <summary>
/// Turns what a judge call threw into a <see cref="JudgeFailure"/>: the reason is fixed in shape and never
/// quotes the answer, so it can be stored, logged and shown as it is.
/// </summary>
internal static class JudgeFailures
{
    public static readonly JudgeFailure NotConfigured = new(JudgeFailureKind.Configuration, "judge: no endpoint configured (SCOUTER_LLM_ENDPOINT)", null, null);

    /// <summary>
    /// Classifies <paramref name="error"/>. <paramref name="timedOut"/> says the call's own timeout fired
    /// (the caller's cancellation never reaches here); <paramref name="now"/> resolves a <c>Retry-After</c> date.
    /// </summary>
    public static JudgeFailure Classify(Exception error, bool timedOut, JudgeOptions options, DateTimeOffset now)
    {
        if (Find<JudgeAnswerTooLargeException>(error) is { } tooLarge)
            return Transient(string.Create(CultureInfo.InvariantCulture, $"judge: answer over {tooLarge.MaxBytes} bytes"));
        if (Find<ClientResultException>(error) is { Status: > 0 } http)
            return FromStatus(http.Status, http.GetRawResponse(), now);
        if (timedOut || Find<OperationCanceledException>(error) is not null || Find<TimeoutException>(error) is not null)
            return Transient(string.Create(CultureInfo.InvariantCulture, $"judge: timeout after {options.Timeout.TotalSeconds:0.###} s"));
        if (Find<HttpRequestException>(error) is { } connection)
            return Transient(connection.HttpRequestError == HttpRequestError.Unknown ? "judge: connection failed" : $"judge: connection failed ({connection.HttpRequestError})");
        if (Find<JsonException>(error) is not null || Find<FormatException>(error) is not null)
            return Transient("judge: malformed response");
        if (Find<IOException>(error) is not null || Find<ClientResultException>(error) is not null)
            return Transient("judge: connection failed");
        return Transient("judge: unexpected " + error.GetType().Name);
    }

    /// <summary>The failure an HTTP error status means; <paramref name="response"/> gives <c>Retry-After</c> and a 400's cause.</summary>
    public static JudgeFailure FromStatus(int status, PipelineResponse? response, DateTimeOffset now)
    {
        var reason = string.Create(CultureInfo.InvariantCulture, $"judge: http {status}");
        var retryAfter = response is null ? null : RetryAfter(response.Headers, now);
        return status switch
        {
            401 or 403 or 404 => new(JudgeFailureKind.Configuration, reason, status, retryAfter),
            400 when BodyText(response) is { } body && NamesUnknownModel(body) => new(JudgeFailureKind.Configuration, reason + " model not found", status, retryAfter),
            400 when BodyText(response) is { } body && RejectsResponseFormat(body) =>
                new(JudgeFailureKind.Configuration, reason + " response format rejected (SCOUTER_LLM_RESPONSE_FORMAT)", status, retryAfter),
            _ => new(JudgeFailureKind.Transient, reason, status, retryAfter),
        };
    }

    /// <summary>
    /// <c>Retry-After</c> as seconds or an HTTP date (relative to <paramref name="now"/>, never negative),
    /// else OpenAI's <c>retry-after-ms</c>; null when neither is there or readable.
    /// </summary>
    public static TimeSpan? RetryAfter(PipelineResponseHeaders headers, DateTimeOffset now)
    {
        if (headers.TryGetValue("Retry-After", out var text) && text is not null)
        {
            text = text.Trim();
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 && seconds < TimeSpan.MaxValue.TotalSeconds)
                return TimeSpan.FromSeconds(seconds);
            if (DateTimeOffset.TryParseExact(text, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
                return date > now ? date - now : TimeSpan.Zero;
        }
        if (headers.TryGetValue("retry-after-ms", out var ms)
            && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var millis) && millis >= 0 && millis < TimeSpan.MaxValue.TotalMilliseconds)
            return TimeSpan.FromMilliseconds(millis);
        return null;
    }

    private static JudgeFailure Transient(string reason) => new(JudgeFailureKind.Transient, reason, null, null);

    // Ollama and vLLM answer 404 for an unknown model, OpenAI 404 model_not_found; proxies in front of them
    // (LiteLLM and the like) may answer 400 instead.
    private static bool NamesUnknownModel(string body) =>
        body.Contains("model_not_found", StringComparison.OrdinalIgnoreCase)
        || (body.Contains("model", StringComparison.OrdinalIgnoreCase)
            && (body.Contains("not found", StringComparison.OrdinalIgnoreCase) || body.Contains("does not exist", StringComparison.OrdinalIgnoreCase)
                || body.Contains("invalid model", StringComparison.OrdinalIgnoreCase) || body.Contains("unknown model", StringComparison.OrdinalIgnoreCase)));

    private static bool RejectsResponseFormat(string body) =>
        body.Contains("response_format", StringComparison.OrdinalIgnoreCase) || body.Contains("json_schema", StringComparison.OrdinalIgnoreCase);

    private static string? BodyText(PipelineResponse? response)
    {
        try
        {
            return response?.Content.ToString();
        }
        catch (InvalidOperationException)
        {
            return null; // not buffered
        }
    }

    private static T? Find<T>(Exception? error) where T : Exception
    {
        for (var depth = 0; error is not null && depth < 16; error = error.InnerException, depth++)
        {
            if (error is T match) return match;
            if (error is AggregateException { InnerExceptions.Count: > 0 } aggregate && Find<T>(aggregate.InnerExceptions[0]) is { } inner) return inner;
        }
        return null;
    }
}
