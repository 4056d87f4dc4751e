using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Scouter.Testing;

/// <summary>
/// A scripted OpenAI-compatible chat-completions server on loopback, for tests and the demo. It is not a
/// model: it answers what it was told to (<see cref="Enqueue"/>, then <see cref="Answer"/>), names itself
/// <see cref="ModelName"/> in every reply, and records every request it receives.
/// </summary>
public sealed class ScriptedJudge : IAsyncDisposable
{
    /// <summary>The <c>model</c> of every reply: whatever shows it says plainly what answered.</summary>
    public const string ModelName = "scripted judge, not a model";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ScriptedAnswer> _script = new();
    private readonly ConcurrentQueue<ScriptedJudgeRequest> _requests = new();
    private readonly CancellationTokenSource _stopping = new();
    private int _count;

    private ScriptedJudge(WebApplication app) => _app = app;

    /// <summary>The base URL including <c>/v1</c>, as <c>SCOUTER_LLM_ENDPOINT</c> takes it.</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Answers a request when the queue is empty (default: HTTP 500, "nothing scripted").</summary>
    public Func<ScriptedJudgeRequest, ScriptedAnswer> Answer { get; set; } = _ => ScriptedAnswer.Error(500, body: """{"error":{"message":"nothing scripted","type":"scripted"}}""");

    /// <summary>Every request received, in order of arrival.</summary>
    public IReadOnlyList<ScriptedJudgeRequest> Requests => [.. _requests];

    /// <summary>How many requests arrived.</summary>
    public int RequestCount => Volatile.Read(ref _count);

    /// <summary>Queues answers given to the next requests, in order, before <see cref="Answer"/> is asked.</summary>
    public void Enqueue(params ScriptedAnswer[] answers)
    {
        foreach (var answer in answers) _script.Enqueue(answer);
    }

    /// <summary>Starts listening on 127.0.0.1 at a free port.</summary>
    public static async Task<ScriptedJudge> StartAsync(Func<ScriptedJudgeRequest, ScriptedAnswer>? answer = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var judge = new ScriptedJudge(app);
        if (answer is not null) judge.Answer = answer;
        app.Run(judge.HandleAsync);
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        judge.Endpoint = new Uri(url.TrimEnd('/') + "/v1");
        return judge;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var request = new ScriptedJudgeRequest(
            Interlocked.Increment(ref _count), context.Request.Method, context.Request.Path.Value ?? string.Empty,
            context.Request.Headers.Authorization.Count > 0 ? context.Request.Headers.Authorization.ToString() : null, Parse(buffer.ToArray()));
        _requests.Enqueue(request);

        if (!HttpMethods.IsPost(request.Method) || request.Path != "/v1/chat/completions")
        {
            await WriteAsync(context, 404, """{"error":{"message":"only POST /v1/chat/completions is scripted","type":"not_found"}}""", chunked: false);
            return;
        }
        var answer = _script.TryDequeue(out var next) ? next : Answer(request);
        if (answer.Hang)
        {
            // Holds the request until the client gives up (or the judge stops).
            using var both = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
            await Task.Delay(Timeout.Infinite, both.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            return;
        }
        if (answer.RetryAfter is { } retryAfter) context.Response.Headers.RetryAfter = retryAfter;
        await WriteAsync(context, answer.Status, answer.Body ?? Completion(request, answer), answer.Chunked);
    }

    private static async Task WriteAsync(HttpContext context, int status, string body, bool chunked)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        if (!chunked) context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }

    /// <summary>A chat completion whose one choice is the scripted text, from <see cref="ModelName"/>.</summary>
    private static string Completion(ScriptedJudgeRequest request, ScriptedAnswer answer)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("id", string.Create(CultureInfo.InvariantCulture, $"chatcmpl-scripted-{request.Number}"));
            w.WriteString("object", "chat.completion");
            w.WriteNumber("created", 0);
            w.WriteString("model", ModelName);
            w.WriteStartArray("choices");
            w.WriteStartObject();
            w.WriteNumber("index", 0);
            w.WriteStartObject("message");
            w.WriteString("role", "assistant");
            w.WriteString("content", answer.Text ?? string.Empty);
            w.WriteEndObject();
            w.WriteString("finish_reason", "stop");
            w.WriteEndObject();
            w.WriteEndArray();
            if (answer.InputTokens is not null || answer.OutputTokens is not null)
            {
                w.WriteStartObject("usage");
                w.WriteNumber("prompt_tokens", answer.InputTokens ?? 0);
                w.WriteNumber("completion_tokens", answer.OutputTokens ?? 0);
                w.WriteNumber("total_tokens", (answer.InputTokens ?? 0) + (answer.OutputTokens ?? 0));
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static JsonElement Parse(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return default;
        }
    }

    /// <summary>Stops listening; requests held by <see cref="ScriptedAnswer.NoAnswer"/> end.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }
}

/// <summary>
/// One scripted answer: a completion whose message is <see cref="Text"/> (with optional token counts), or an
/// HTTP error <see cref="Status"/> with an optional <c>Retry-After</c>, or a raw <see cref="Body"/>, or no
/// answer at all (<see cref="Hang"/>, until the client gives up).
/// </summary>
public sealed record ScriptedAnswer
{
    /// <summary>HTTP status (default 200).</summary>
    public int Status { get; init; } = 200;

    /// <summary>The completion's message text.</summary>
    public string? Text { get; init; }

    /// <summary>The body sent as it is instead of a completion.</summary>
    public string? Body { get; init; }

    /// <summary>The <c>Retry-After</c> header value, sent as it is (seconds or an HTTP date).</summary>
    public string? RetryAfter { get; init; }

    /// <summary>Prompt tokens reported in <c>usage</c>.</summary>
    public long? InputTokens { get; init; }

    /// <summary>Completion tokens reported in <c>usage</c>.</summary>
    public long? OutputTokens { get; init; }

    /// <summary>Send the body without a Content-Length (chunked).</summary>
    public bool Chunked { get; init; }

    /// <summary>Never answer.</summary>
    public bool Hang { get; init; }

    /// <summary>A completion whose message is <paramref name="text"/>.</summary>
    public static ScriptedAnswer Reply(string text, long? inputTokens = null, long? outputTokens = null) =>
        new() { Text = text, InputTokens = inputTokens, OutputTokens = outputTokens };

    /// <summary>A completion answering <c>{"score": score, "reason": reason}</c>.</summary>
    public static ScriptedAnswer Score(double score, string reason = "scripted") =>
        Reply(JsonSerializer.Serialize(new Dictionary<string, object> { ["score"] = score, ["reason"] = reason }));

    /// <summary>An HTTP error with an OpenAI-shaped error body unless <paramref name="body"/> is given.</summary>
    public static ScriptedAnswer Error(int status, string? retryAfter = null, string? body = null) => new()
    {
        Status = status,
        RetryAfter = retryAfter,
        Body = body ?? string.Create(CultureInfo.InvariantCulture, $$$"""{"error":{"message":"scripted error {{{status}}}","type":"scripted"}}"""),
    };

    /// <summary>No answer: the request is held until the client gives up.</summary>
    public static ScriptedAnswer NoAnswer() => new() { Hang = true };
}

/// <summary>A request as the scripted judge received it, with the fields the judge client sets.</summary>
public sealed record ScriptedJudgeRequest(int Number, string Method, string Path, string? Authorization, JsonElement Body)
{
    /// <summary>The <c>model</c> asked for.</summary>
    public string? Model => Property("model")?.GetString();

    /// <summary>The <c>temperature</c> sent.</summary>
    public double? Temperature => Property("temperature")?.GetDouble();

    /// <summary>The <c>response_format</c> object, null when none was sent.</summary>
    public JsonElement? ResponseFormat => Property("response_format");

    /// <summary>The messages as (role, content) pairs.</summary>
    public IReadOnlyList<(string Role, string Content)> Messages =>
        Property("messages") is { ValueKind: JsonValueKind.Array } messages
            ? [.. messages.EnumerateArray().Select(m => (m.GetProperty("role").GetString() ?? string.Empty, Content(m.GetProperty("content"))))]
            : [];

    private JsonElement? Property(string name) =>
        Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    // Content is a string, or an array of parts whose text parts are joined.
    private static string Content(JsonElement content) => content.ValueKind switch
    {
        JsonValueKind.String => content.GetString() ?? string.Empty,
        JsonValueKind.Array => string.Concat(content.EnumerateArray().Where(p => p.TryGetProperty("text", out _)).Select(p => p.GetProperty("text").GetString())),
        _ => string.Empty,
    };
}
