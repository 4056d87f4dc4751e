using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Scouter.AspNetCore;
using Scouter.Client;
using Scouter.Hosting;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds the Scouter endpoint filter (the router style).</summary>
public static class ScouterEndpointExtensions
{
    /// <summary>
    /// After the handler returns, inserts the data it attached with <c>HttpContext.SetScouterData</c>
    /// into the registered <see cref="ScouterQueue"/>. Inserts never block, so the response is not
    /// delayed, and nothing the filter does fails the request: an unknown alias, a queue that is not
    /// running or a failed insert is logged once and counted (meter <c>Scouter.AspNetCore</c>, counter
    /// <c>scouter.aspnetcore.data_ignored</c>). Data is not inserted when the handler throws.
    /// </summary>
    /// <exception cref="InvalidOperationException">When endpoints are built: <c>AddScouterQueue</c> was not called.</exception>
    public static TBuilder WithScouter<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddEndpointFilterFactory(static (context, next) =>
        {
            var host = context.ApplicationServices.GetService<ScouterQueueHost>()
                ?? throw new InvalidOperationException("WithScouter() needs builder.Services.AddScouterQueue(...).");
            var filter = new ScouterEndpointFilter(ScouterDataRouter.For(host, context.ApplicationServices));
            return invocation => filter.InvokeAsync(invocation, next);
        });
    }
}
