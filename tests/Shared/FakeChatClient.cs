using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Concurrent;
using Microsoft.Extensions.AI;

namespace Scouter.Testing;

/// <summary>
/// An <see cref="IChatClient"/> that answers each call through a delegate, for worker tests: the delegate
/// returns the answer text, or throws (<see cref="HttpError"/> builds the exception the OpenAI client throws
/// for an HTTP error status). Counts calls and tracks the peak number of calls in flight.
/// </summary>
internal sealed class FakeChatClient(Func<FakeChatCall, CancellationToken, Task<string>> respond) : IChatClient
{
    /// <summary>The <c>model</c> of every reply, unless the call named one.</summary>
    public const string ModelName = "fake chat client, not a model";

    private readonly ConcurrentQueue<FakeChatCall> _calls = new();
    private int _count;
    private int _inFlight;
    private int _peakInFlight;

    /// <summary>Answers every call with <paramref name="text"/>.</summary>
    public FakeChatClient(string text) : this((_, _) => Task.FromResult(text)) { }

    /// <summary>Calls started so far.</summary>
    public int Calls => Volatile.Read(ref _count);

    /// <summary>Calls started and not yet finished.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>The most calls ever in flight at once.</summary>
    public int PeakInFlight => Volatile.Read(ref _peakInFlight);

    /// <summary>Every call received, in order of arrival.</summary>
    public IReadOnlyList<FakeChatCall> Received => [.. _calls];

    /// <summary>Tokens reported with every answer (default 0 and 0).</summary>
    public (long Input, long Output) Usage { get; set; }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var call = new FakeChatCall(Interlocked.Increment(ref _count), [.. messages], options);
        _calls.Enqueue(call);
        var inFlight = Interlocked.Increment(ref _inFlight);
        for (var peak = Volatile.Read(ref _peakInFlight); inFlight > peak; peak = Volatile.Read(ref _peakInFlight))
        {
            if (Interlocked.CompareExchange(ref _peakInFlight, inFlight, peak) == peak) break;
        }
        try
        {
            var text = await respond(call, cancellationToken);
            return new ChatResponse(new ChatMessage(ChatRole.Assistant, text))
            {
                ModelId = options?.ModelId ?? ModelName,
                Usage = new UsageDetails { InputTokenCount = Usage.Input, OutputTokenCount = Usage.Output, TotalTokenCount = Usage.Input + Usage.Output },
            };
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The judge does not stream.");

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose() { }

    /// <summary>What the OpenAI client throws for an HTTP error: <paramref name="status"/>, with a <c>Retry-After</c> header when given.</summary>
    public static ClientResultException HttpError(int status, string? retryAfter = null, string? body = null) =>
        new(new FakeResponse(status, retryAfter, body ?? $$$"""{"error":{"message":"fake error {{{status}}}"}}"""));

    private sealed class FakeResponse(int status, string? retryAfter, string body) : PipelineResponse
    {
        private readonly BinaryData _content = BinaryData.FromString(body);

        public override int Status => status;

        public override string ReasonPhrase => "Fake";

        public override Stream? ContentStream { get; set; }

        public override BinaryData Content => _content;

        protected override PipelineResponseHeaders HeadersCore { get; } = new FakeHeaders(retryAfter is null ? [] : [new("Retry-After", retryAfter)]);

        public override BinaryData BufferContent(CancellationToken cancellationToken = default) => _content;

        public override ValueTask<BinaryData> BufferContentAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(_content);

        public override void Dispose() { }
    }

    private sealed class FakeHeaders(KeyValuePair<string, string>[] headers) : PipelineResponseHeaders
    {
        public override bool TryGetValue(string name, out string? value)
        {
            value = headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
            return value is not null;
        }

        public override bool TryGetValues(string name, out IEnumerable<string>? values)
        {
            values = TryGetValue(name, out var value) ? [value!] : null;
            return values is not null;
        }

        public override IEnumerator<KeyValuePair<string, string>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, string>>)headers).GetEnumerator();
    }
}

/// <summary>One call to the <see cref="FakeChatClient"/>: its number (from 1), the messages and options it carried.</summary>
internal sealed record FakeChatCall(int Number, IReadOnlyList<ChatMessage> Messages, ChatOptions? Options)
{
    public string System => Messages.FirstOrDefault(m => m.Role == ChatRole.System)?.Text ?? string.Empty;

    public string User => Messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? string.Empty;

    public string? Model => Options?.ModelId;
}
