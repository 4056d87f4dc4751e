using Microsoft.Extensions.AI;

namespace Scouter.Server.Evaluation;

/// <summary>
/// The judge over an <see cref="IChatClient"/>: temperature 0, the configured answer format, one request per
/// call (the SDK's retries are off; the worker owns attempts), bounded by <see cref="JudgeOptions.Timeout"/>.
/// </summary>
internal sealed class ChatJudge(IChatClient? client, JudgeOptions options, TimeProvider time) : IJudge
{
    public bool IsConfigured => client is not null;

    public async Task<JudgeResult> AskAsync(JudgeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        if (client is null) return JudgeResult.Failed(JudgeFailures.NotConfigured);

        var chatOptions = new ChatOptions
        {
            Temperature = 0,
            ModelId = request.Model ?? options.Model,
        };
        JudgeAnswerFormat.Apply(chatOptions, options.ResponseFormat, request.MinScore, request.MaxScore);
        // A metric without a system prompt sends none: some servers reject an empty message.
        List<ChatMessage> messages = string.IsNullOrEmpty(request.SystemMessage)
            ? [new(ChatRole.User, request.UserMessage)]
            : [new(ChatRole.System, request.SystemMessage), new(ChatRole.User, request.UserMessage)];

        using var timeout = new CancellationTokenSource(options.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var response = await client.GetResponseAsync(messages, chatOptions, linked.Token);
            return JudgeResult.Answered(new JudgeReply(
                response.Text, response.Usage?.InputTokenCount, response.Usage?.OutputTokenCount, response.ModelId ?? chatOptions.ModelId ?? "unknown"));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception error) // the contract: every failure of the call is classified, never thrown
        {
            return JudgeResult.Failed(JudgeFailures.Classify(error, timeout.IsCancellationRequested, options, time.GetUtcNow()));
        }
    }
}
