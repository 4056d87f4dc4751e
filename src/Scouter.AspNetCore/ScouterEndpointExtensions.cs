using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Scouter.AspNetCore;
using Scouter.Client;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds the Scouter endpoint filter (the router style).</summary>
public static class ScouterEndpointExtensions
{
    /// <summary>
    /// After the handler returns, inserts the data it attached with <c>HttpContext.SetScouterData</c>
    /// into the registered <see cref="ScouterQueue"/>. Inserts never block, so the response is not
    /// delayed, and nothing the filter does fails the request: an unknown alias, a queue that is not
    /// running or a failed insert is logged once and counted. Data is not inserted when the handler throws.
    /// Requires <c>AddScouterQueue</c>.
    /// </summary>
    public static TBuilder WithScouter<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddEndpointFilter(ScouterEndpointFilter.Instance);
    }
}

internal sealed class ScouterEndpointFilter : IEndpointFilter
{
    public static readonly ScouterEndpointFilter Instance = new();

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        var http = context.HttpContext;
        if (http.Items.TryGetValue(ScouterHttpContextExtensions.ItemsKey, out var value) && value is List<ScouterData> data)
        {
            http.Items.Remove(ScouterHttpContextExtensions.ItemsKey);
            var host = http.RequestServices.GetService<ScouterQueueHost>();
            if (host is null)
            {
                throw new InvalidOperationException("WithScouter() needs builder.Services.AddScouterQueue(...).");
            }
            foreach (var item in data)
            {
                if (!host.TryGetProfileQueue(item.Alias, out var queue)) continue;
                try
                {
                    item.Insert(queue!, item.Payload);
                }
#pragma warning disable CA1031 // the filter must never turn monitoring into a failed request
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    host.ReportInsertFailure(item.Alias, ex);
                }
            }
        }
        return result;
    }
}
