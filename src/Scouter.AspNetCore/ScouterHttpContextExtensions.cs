using Scouter;
using Scouter.AspNetCore;
using Scouter.Client;

namespace Microsoft.AspNetCore.Http;

/// <summary>Attaches monitoring data to a request for the <c>WithScouter()</c> endpoint filter.</summary>
public static class ScouterHttpContextExtensions
{
    internal static readonly object ItemsKey = new();

    /// <summary>Queues <paramref name="features"/> for the profile <paramref name="alias"/>; inserted after the handler returns.</summary>
    public static void SetScouterData(this HttpContext context, string alias, global::Scouter.Features features) =>
        Add(context, alias, features, static (q, p) => q.Insert((global::Scouter.Features)p));

    /// <summary>Queues custom <paramref name="metrics"/> for the profile <paramref name="alias"/>; inserted after the handler returns.</summary>
    public static void SetScouterData(this HttpContext context, string alias, Metrics metrics) =>
        Add(context, alias, metrics, static (q, p) => q.Insert((Metrics)p));

    /// <summary>Queues an LLM <paramref name="record"/> for the profile <paramref name="alias"/>; inserted after the handler returns.</summary>
    public static void SetScouterData(this HttpContext context, string alias, LlmRecord record) =>
        Add(context, alias, record, static (q, p) => q.Insert((LlmRecord)p));

    /// <summary>Queues an <see cref="IFeatureSource"/> object for the profile <paramref name="alias"/>; converted and inserted after the handler returns.</summary>
    public static void SetScouterData<T>(this HttpContext context, string alias, T value) where T : IFeatureSource =>
        Add(context, alias, value, FeatureSourceInsert<T>.Insert);

    private static void Add(HttpContext context, string alias, object? payload, Action<ProfileQueue, object> insert)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentException.ThrowIfNullOrWhiteSpace(alias);
        ArgumentNullException.ThrowIfNull(payload);
        if (!context.Items.TryGetValue(ItemsKey, out var existing) || existing is not List<ScouterData> list)
        {
            list = [];
            context.Items[ItemsKey] = list;
        }
        list.Add(new ScouterData(alias, payload, insert));
    }

    private static class FeatureSourceInsert<T> where T : IFeatureSource
    {
        public static readonly Action<ProfileQueue, object> Insert = static (q, p) => q.Insert((T)p);
    }
}
