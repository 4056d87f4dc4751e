using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;

namespace Scouter.Server.Evaluation;

/// <summary>Builds the judge's <see cref="IChatClient"/> over an OpenAI-compatible endpoint.</summary>
internal static class JudgeChatClient
{
    /// <summary>
    /// An OpenAI chat client on <paramref name="http"/> with the SDK's retries off (every attempt is the
    /// worker's, counted and backed off) and the network timeout of <paramref name="options"/>.
    /// </summary>
    public static IChatClient Create(JudgeOptions options, HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(options);
        var endpoint = options.Endpoint ?? throw new InvalidOperationException("SCOUTER_LLM_ENDPOINT is not set.");
        var model = options.Model ?? throw new InvalidOperationException("SCOUTER_LLM_MODEL is not set.");
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = endpoint,
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = options.Timeout,
            Transport = new HttpClientPipelineTransport(http),
        };
        // The SDK insists on a key; without one the placeholder's header is removed before sending.
        var keyless = string.IsNullOrEmpty(options.ApiKey);
        if (keyless) clientOptions.AddPolicy(NoAuthorization.Instance, PipelinePosition.BeforeTransport);
        return new ChatClient(model, new ApiKeyCredential(keyless ? "no-key" : options.ApiKey!), clientOptions).AsIChatClient();
    }

    /// <summary>Ollama and llama.cpp need no key: send no <c>Authorization</c> header at all.</summary>
    private sealed class NoAuthorization : PipelinePolicy
    {
        public static readonly NoAuthorization Instance = new();

        public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            message.Request.Headers.Remove("Authorization");
            ProcessNext(message, pipeline, currentIndex);
        }

        public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            message.Request.Headers.Remove("Authorization");
            return ProcessNextAsync(message, pipeline, currentIndex);
        }
    }
}
