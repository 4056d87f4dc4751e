using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Scouter.Client;
using Scouter.Client.Transports;

namespace Scouter.Hosting;

/// <summary>
/// Describes the <see cref="ScouterQueue"/> that <c>AddScouterQueue</c> registers: its profiles
/// (from files, in memory, or downloaded from the server at start-up), its transport and its options.
/// Transport packages (Kafka, RabbitMQ, Redis) add <c>UseX</c> extension methods that call
/// <see cref="UseTransport(Func{IServiceProvider, IRecordTransport})"/>. Nothing is built until the host starts.
/// </summary>
public sealed class ScouterQueueBuilder
{
    private readonly List<ProfileSource> _profiles = [];
    private readonly List<Action<ScouterQueueOptions>> _configure = [];
    private Func<IServiceProvider, IRecordTransport>? _transport;

    internal ScouterQueueBuilder(IServiceCollection services) => Services = services;

    /// <summary>The application's service collection, for extension methods that register what a transport needs.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// Server address and credentials used to download profiles added by <see cref="GetProfileRequest"/>
    /// and, when <see cref="UseHttp"/> is called without a config, to send records. Unset values come
    /// from the <c>SCOUTER_*</c> environment variables, as for <see cref="ScouterClient"/>.
    /// </summary>
    public ScouterClientOptions ClientOptions { get; } = new();

    /// <summary>The aliases added so far, in order.</summary>
    public IReadOnlyList<string> Aliases => [.. _profiles.Select(p => p.Alias)];

    internal IReadOnlyList<ProfileSource> Profiles => _profiles;

    internal IReadOnlyList<Action<ScouterQueueOptions>> OptionActions => _configure;

    internal Func<IServiceProvider, IRecordTransport>? TransportFactory => _transport;

    /// <summary>Adds the profile saved as JSON at <paramref name="path"/> (read when the host starts).</summary>
    /// <exception cref="ArgumentException">The alias is empty or already added, or the path is empty.</exception>
    public ScouterQueueBuilder AddProfile(string alias, string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return Add(alias, new ProfileSource(alias, path, null, null, null));
    }

    /// <summary>Adds an in-memory profile.</summary>
    /// <exception cref="ArgumentException">The alias is empty or already added.</exception>
    public ScouterQueueBuilder AddProfile(string alias, DriftProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return Add(alias, new ProfileSource(alias, null, profile, null, null));
    }

    /// <summary>
    /// Adds the profile found on the server by space, name, version and drift type; it is downloaded
    /// through a <see cref="ScouterClient"/> built from <see cref="ClientOptions"/> when the host starts.
    /// A failed download does not fail start-up: the download is retried in the background and,
    /// until it succeeds, inserts for <paramref name="alias"/> are counted as dropped
    /// (<c>profile_pending</c>). See <see cref="AddProfile(string, GetProfileRequest, string?)"/> for a local copy.
    /// </summary>
    /// <exception cref="ArgumentException">The alias is empty or already added.</exception>
    public ScouterQueueBuilder AddProfile(string alias, GetProfileRequest request) => AddProfile(alias, request, null);

    /// <summary>
    /// As <see cref="AddProfile(string, GetProfileRequest)"/>, keeping a copy of the downloaded profile at
    /// <paramref name="cachePath"/> (written atomically after every successful download). When the
    /// download at start-up fails, the copy is used instead (logged as a warning naming the path and
    /// the server's error) and the download is not retried; without a readable copy it is retried in
    /// the background. Null: no copy.
    /// </summary>
    /// <exception cref="ArgumentException">The alias is empty or already added, or <paramref name="cachePath"/> is empty.</exception>
    public ScouterQueueBuilder AddProfile(string alias, GetProfileRequest request, string? cachePath)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (cachePath is not null) ArgumentException.ThrowIfNullOrWhiteSpace(cachePath);
        return Add(alias, new ProfileSource(alias, null, null, request, cachePath));
    }

    /// <summary>
    /// Sends records to the Scouter server over HTTP. With no <paramref name="options"/>, the server and
    /// credentials of <see cref="ClientOptions"/> are used (then the environment variables).
    /// </summary>
    public ScouterQueueBuilder UseHttp(ScouterClientOptions? options = null) => UseTransport(_ => new HttpTransport(options ?? ClientOptions));

    /// <summary>Sends records through <paramref name="transport"/>; the queue owns and disposes it. The last <c>Use*</c> call wins.</summary>
    public ScouterQueueBuilder UseTransport(IRecordTransport transport)
    {
        ArgumentNullException.ThrowIfNull(transport);
        return UseTransport(_ => transport);
    }

    /// <summary>Sends records through the transport <paramref name="factory"/> creates when the host starts. The last <c>Use*</c> call wins.</summary>
    public ScouterQueueBuilder UseTransport(Func<IServiceProvider, IRecordTransport> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        _transport = factory;
        return this;
    }

    /// <summary>
    /// Adjusts the queue options. <see cref="ScouterQueueOptions.TimeProvider"/> and
    /// <see cref="ScouterQueueOptions.LoggerFactory"/> are taken from DI first; actions run afterwards, in order.
    /// </summary>
    public ScouterQueueBuilder Configure(Action<ScouterQueueOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _configure.Add(configure);
        return this;
    }

    /// <summary>
    /// Names the features of typed objects inserted with <see cref="ProfileQueue.Insert{T}(T)"/> (or
    /// <c>SetScouterData</c>) by <paramref name="policy"/>, e.g. <see cref="JsonNamingPolicy.SnakeCaseLower"/>;
    /// sets <see cref="ScouterQueueOptions.FeatureNamingPolicy"/>. Null (default): member names as declared.
    /// </summary>
    public ScouterQueueBuilder UseFeatureNamingPolicy(JsonNamingPolicy? policy) => Configure(o => o.FeatureNamingPolicy = policy);

    /// <summary>Adjusts <see cref="ClientOptions"/> (fluent form).</summary>
    public ScouterQueueBuilder ConfigureClient(Action<ScouterClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(ClientOptions);
        return this;
    }

    private ScouterQueueBuilder Add(string alias, ProfileSource source)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(alias);
        if (_profiles.Exists(p => string.Equals(p.Alias, alias, StringComparison.Ordinal)))
        {
            throw new ArgumentException($"A Scouter profile with alias '{alias}' is already added.", nameof(alias));
        }
        _profiles.Add(source);
        return this;
    }
}

internal sealed record ProfileSource(string Alias, string? Path, DriftProfile? Profile, GetProfileRequest? Request, string? CachePath);
