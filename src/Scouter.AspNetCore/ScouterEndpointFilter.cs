using Microsoft.AspNetCore.Http;
using Scouter.Client;

namespace Scouter.AspNetCore;

/// <summary>Inserts the request's Scouter data after the handler returns; never fails the request.</summary>
internal sealed class ScouterEndpointFilter(ScouterDataRouter router) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        var items = context.HttpContext.Items;
        if (items.Remove(ScouterHttpContextExtensions.ItemsKey, out var value) && value is List<ScouterData> data)
        {
            foreach (var item in data)
            {
                if (!router.TryGetProfileQueue(item.Alias, out var queue)) continue;
                try
                {
                    item.Insert(queue!, item.Payload);
                }
#pragma warning disable CA1031 // monitoring must never turn into a failed request
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    router.ReportInsertFailure(item.Alias, ex);
                }
            }
        }
        return result;
    }
}

/// <summary>One <c>SetScouterData</c> call: the alias, the payload and how to insert it.</summary>
internal readonly record struct ScouterData(string Alias, object Payload, Action<ProfileQueue, object> Insert);
