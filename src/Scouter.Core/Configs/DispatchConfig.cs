using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Scouter;

/// <summary>Where alerts of a profile are sent; a profile may list several channels.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ConsoleDispatchConfig), "console")]
[JsonDerivedType(typeof(SlackDispatchConfig), "slack")]
[JsonDerivedType(typeof(OpsGenieDispatchConfig), "opsgenie")]
[JsonDerivedType(typeof(WebhookDispatchConfig), "webhook")]
public abstract record DispatchConfig;

/// <summary>A structured log line on the server (the default channel).</summary>
public sealed record ConsoleDispatchConfig : DispatchConfig;

/// <summary>A Slack message to <see cref="Channel"/> (the server holds the app token).</summary>
public sealed record SlackDispatchConfig : DispatchConfig
{
    /// <summary>The Slack channel, e.g. <c>#ml-alerts</c>.</summary>
    public required string Channel
    {
        get;
        init => field = Guard.Name("dispatch.channel", value);
    }
}

/// <summary>An OpsGenie alert for <see cref="Team"/> (the server holds the API key).</summary>
public sealed partial record OpsGenieDispatchConfig : DispatchConfig
{
    /// <summary>The responding team.</summary>
    public required string Team
    {
        get;
        init => field = Guard.Name("dispatch.team", value);
    }

    /// <summary>P1 (highest) to P5; default P3.</summary>
    public string Priority
    {
        get;
        init => field = PriorityPattern().IsMatch(value ?? string.Empty)
            ? value!
            : throw new ScouterConfigException("dispatch.priority", value, "must be one of P1, P2, P3, P4, P5");
    } = "P3";

    /// <summary>Tags added to the OpsGenie alert.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    [GeneratedRegex("^P[1-5]$")]
    private static partial Regex PriorityPattern();
}

/// <summary>A signed JSON POST to <see cref="Url"/>.</summary>
public sealed record WebhookDispatchConfig : DispatchConfig
{
    /// <summary>An absolute http(s) URL.</summary>
    public required string Url
    {
        get;
        init => field = Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? value
            : throw new ScouterConfigException("dispatch.url", value, "must be an absolute http or https URL");
    }
}
